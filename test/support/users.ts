import { getDb } from "@/db";
import { users } from "@/db/schema";
import { actorForUser } from "@/lib/auth/actor";
import type { Actor, Role } from "@/lib/permissions";

/**
 * A user written straight into the test database, as the actor the domain functions take: for
 * suites outside lib/ (components, pages) that must not import the database themselves. Set
 * BERTH_DATA_DIR before the first call.
 */
export function insertUser(username: string, role: Role = "user"): Actor {
  const row = getDb().insert(users).values({ username, role }).returning().get();
  return actorForUser(row.id)!;
}
