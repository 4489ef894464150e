// ledd-mqtt --help.
export const helpText = `Usage: ledd-mqtt [options]
       ledd-mqtt --remove [options]

Puts each of ledd's LEDs on an MQTT broker as a Home Assistant light (MQTT
discovery), all in one device named after the host. For the LED NAME:
commands on PREFIX/NODE/NAME/set ({"state":"ON"}, {"state":"OFF"},
{"state":"ON","effect":"heartbeat"}, {"state":"ON","flash":"short"}), its
retained state on PREFIX/NODE/NAME/state, its light's config on
DISCOVERY/light/NODE/NAME/config. The LED named led (ledd's one LED
without --led) keeps PREFIX/NODE/set and PREFIX/NODE/state. online/offline on
PREFIX/NODE/availability. A flash is a blink of --flash-time-short or
--flash-time-long seconds, after which ledd puts back what the LED showed.
At every connection the retained topics of LEDs no longer in ledd's
configuration are cleared.

Every option has an environment equivalent (for /etc/default/ledd-mqtt);
an option on the command line wins.

Broker:
  --broker URL           mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (TLS)
                         [LEDD_MQTT_BROKER, default mqtt://localhost:1883]
  --client-id ID         MQTT client id; fixed, as the persistent session needs
                         [LEDD_MQTT_CLIENT_ID, default ledd-HOSTNAME]
  --username NAME        [LEDD_MQTT_USERNAME]
  --password-file FILE   the password, alone in a file (one line)
                         [LEDD_MQTT_PASSWORD_FILE, default: the systemd credential
                         mqtt-password ($CREDENTIALS_DIRECTORY/mqtt-password) if there is one].
                         A password as a flag or in LEDD_MQTT_PASSWORD is refused.
  --ca-file FILE         CA certificate(s), PEM, that the broker's certificate must
                         chain to (mqtts:// only) [LEDD_MQTT_CA_FILE, default: the system's]
  --cert-file FILE       client certificate, PEM (with --key-file) [LEDD_MQTT_CERT_FILE]
  --key-file FILE        client certificate's key, PEM [LEDD_MQTT_KEY_FILE]
  --reconnect-max S      longest wait between reconnection attempts, seconds
                         (1 to 3600) [LEDD_MQTT_RECONNECT_MAX, default 30]

Topics:
  --topic-prefix P       [LEDD_MQTT_TOPIC_PREFIX, default ledd]
  --node-id ID           letters, digits, '_', '-' [LEDD_MQTT_NODE_ID, default: the host name]
  --discovery-prefix P   Home Assistant's discovery prefix
                         [LEDD_MQTT_DISCOVERY_PREFIX, default homeassistant]

Home Assistant:
  --flash-time-short S   how long a short flash lasts, whole seconds (1 to 86400)
                         [LEDD_MQTT_FLASH_TIME_SHORT, default 2]
  --flash-time-long S    how long a long flash lasts [LEDD_MQTT_FLASH_TIME_LONG, default 10]

ledd:
  --key KEY              ledd's queue key, as ledd --key takes it [LEDD_KEY, default 1234]

Logging:
  --log-level LEVEL      fatal, error, warn, info, debug, trace [LEDD_MQTT_LOG_LEVEL, default info]
  --log-format FORMAT    auto, json, journal [LEDD_MQTT_LOG_FORMAT, default auto:
                         journal under journald, else json]

  --remove               take this node off the broker and exit: clear every
                         retained topic of the node (each light's config and
                         state, the availability), so Home Assistant drops its
                         lights, and end the bridge's session. Stop the bridge
                         first (systemctl stop ledd-mqtt); the broker options
                         are the bridge's. The Debian package runs it when it
                         is removed.
  -h, --help             this help
  --version              the version

Exit status: 0 stopped by a signal; 1 unexpected failure; 2 bad option,
environment value or unreadable file; 3 permission denied on ledd's queue
(join its group); 4 the broker refused the login (user name or password, or
not authorised). --remove: 0 done; 4 as above; 5 the broker could not be
reached (nothing was removed); 6 the node's bridge is online (stop it first).
`;
