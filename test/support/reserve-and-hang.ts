/**
 * A service process that reserves credits and then hangs before capturing, so a test can kill -9 it between
 * reserve and capture. Prints `HELD <holdId>` once the hold is durable.
 */
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";

const [accountId, credits] = process.argv.slice(2);
const running = await createApp(loadConfig(process.env));
const { hold } = await running.ctx.metering.reserve({
  accountId: accountId!,
  maxMc: Number(credits) * 1000,
  operation: "images.generate",
});
console.log(`HELD ${hold.id}`);
setInterval(() => {}, 1000);
