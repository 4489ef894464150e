// ledd-mqtt --help: the prose around the options and exit codes, which come from their declarations.
import { exitStatusHelp } from '../common/exit-codes.js';
import { optionsHelp } from '../common/options.js';
import { BRIDGE_EXIT_CODES } from './exit-codes.js';
import { options } from './options.js';

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

${optionsHelp(Object.values(options))}

${exitStatusHelp(BRIDGE_EXIT_CODES)}
`;
