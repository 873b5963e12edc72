// The quantity module is shared with the console: it lives in packages/quantity.
export * from "@berth/quantity";
