import { type Balance, formatCredits, rest } from "./api.js";

/** Fills the admin-bar balance placeholder the PHP renders (the page itself never waits on the service). */
const slot = document.getElementById("api-credits-bar-balance");
if (slot)
  rest<Balance>("/balance")
    .then((b) => {
      slot.textContent = `Credits: ${formatCredits(b.credits)}`;
    })
    .catch(() => {
      slot.textContent = "Credits: unavailable";
    });
