/** Runs once when the server starts: migrate the database and create the first admin, then arm the graceful stop. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The database is opened first: one a newer Berth wrote stops the start in plain words, before anything else loads.
    const [{ getDb }, { NewerDatabaseError }] = await Promise.all([import("@/db"), import("@/db/maintenance.mjs")]);
    try {
      getDb();
    } catch (error) {
      if (!(error instanceof NewerDatabaseError)) throw error;
      console.error(error.message);
      process.exit(1);
    }
    const { bootstrap } = await import("@/lib/bootstrap");
    await bootstrap();
    const { installGracefulShutdown } = await import("@/lib/shutdown");
    installGracefulShutdown();
  }
}
