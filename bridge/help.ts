// ledd-mqtt --help.
export const helpText = `Usage: ledd-mqtt [options]

Puts ledd's LED on an MQTT broker, with Home Assistant discovery: commands on
PREFIX/NODE/set ({"state":"ON"}, {"state":"OFF"}, {"state":"ON","effect":"heartbeat"}),
the retained state on PREFIX/NODE/state, online/offline on PREFIX/NODE/availability,
and the light's config on DISCOVERY/light/NODE/led/config.

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

ledd:
  --key KEY              ledd's queue key, as ledd --key takes it [LEDD_KEY, default 1234]

Logging:
  --log-level LEVEL      fatal, error, warn, info, debug, trace [LEDD_MQTT_LOG_LEVEL, default info]
  --log-format FORMAT    auto, json, journal [LEDD_MQTT_LOG_FORMAT, default auto:
                         journal under journald, else json]

  -h, --help             this help
  --version              the version

Exit status: 0 stopped by a signal; 1 unexpected failure; 2 bad option,
environment value or unreadable file; 3 permission denied on ledd's queue
(join its group); 4 the broker refused the login (user name or password, or
not authorised).
`;
