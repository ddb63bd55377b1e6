// Dev dependencies, with a clear message when `npm ci` was not run.

async function dev(name) {
  try {
    return await import(name);
  } catch (error) {
    throw new Error(`the dev dependency ${name} is not installed: run \`npm ci\` in host-node/ (${error.message})`);
  }
}

/** The `standardwebhooks` package's `Webhook` verifier. */
export const { Webhook } = await dev('standardwebhooks');
