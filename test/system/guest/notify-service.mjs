// Type=notify service started by smoke.sh. Writes what DevicePolicy=closed +
// DeviceAllow=char-gpiochip let it open to $LEDD_RESULTS/notify-service.env,
// then reports READY=1: through the sd-notify package when its native addon
// is built, otherwise through `systemd-notify --ready` (needs NotifyAccess=all;
// systemd 252's systemd-notify waits until PID 1 has processed the message).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setInterval } from 'node:timers';

const { LEDD_REPO, LEDD_RESULTS, LEDD_GPIO_DEV } = process.env;

function tryOpen(path, flags) {
  try {
    closeSync(openSync(path, flags));
    return 'ok';
  } catch (error) {
    return error.code;
  }
}

const report = {
  gpiochip_open: tryOpen(LEDD_GPIO_DEV, 'r+'),
  kmsg_open: tryOpen('/dev/kmsg', 'r'),
};

let sdNotify = null;
try {
  sdNotify = createRequire(`${LEDD_REPO}/package.json`)('sd-notify');
  report.notify_via = 'sd-notify';
} catch (error) {
  report.notify_via = 'systemd-notify';
  report.sd_notify_error = String(error.message).split('\n')[0];
}
writeFileSync(
  `${LEDD_RESULTS}/notify-service.env`,
  Object.entries(report)
    .map(([key, value]) => `${key}=${value}\n`)
    .join(''),
);

if (sdNotify) sdNotify.ready();
else execFileSync('systemd-notify', ['--ready']);
console.log(`notify-service: READY sent via ${report.notify_via}`);
setInterval(() => {}, 60_000);
