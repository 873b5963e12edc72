/** The kinds of work that run in containers, each resolved separately (object → project → instance). */
export const ACTIVITY_TYPES = [
  "python-recipe",
  "r-recipe",
  "python-notebook",
  "r-notebook",
  "spark-recipe",
  "spark-visual-recipe",
  "plugin-recipe",
  "ml-train",
  "ml-retrain",
  "ml-score",
  "ml-evaluate",
] as const;

export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const ACTIVITY_LABELS: Record<ActivityType, string> = {
  "python-recipe": "Python recipe",
  "r-recipe": "R recipe",
  "python-notebook": "Python notebook",
  "r-notebook": "R notebook",
  "spark-recipe": "Spark recipe",
  "spark-visual-recipe": "Spark visual recipe",
  "plugin-recipe": "Plugin recipe",
  "ml-train": "ML train",
  "ml-retrain": "ML retrain",
  "ml-score": "ML score",
  "ml-evaluate": "ML evaluate",
};

export function isActivityType(value: string): value is ActivityType {
  return (ACTIVITY_TYPES as readonly string[]).includes(value);
}

/** Visual recipes take the visual-recipe default execution config instead of the user-code one. */
export function isVisualActivity(activity: ActivityType): boolean {
  return activity.includes("visual");
}

/** Spark activities run through a Spark config, so they cannot start without one. */
export function isSparkActivity(activity: ActivityType): boolean {
  return activity.startsWith("spark-");
}
