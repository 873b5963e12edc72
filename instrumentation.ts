/** Runs once when the server starts: migrate the database and create the first admin. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootstrap } = await import("@/lib/bootstrap");
    await bootstrap();
  }
}
