/**
 * The accounts of the e2e identity provider, keyed by subject. Shared data only, so specs can use
 * it without loading the provider. The provider keeps a live copy that specs change over HTTP.
 */
export interface SsoAccount {
  /** What the provider's sign-in form takes; the preferred_username when absent. */
  login?: string;
  preferred_username: string;
  name: string;
  email: string;
  groups: string[];
}

/** Every account's password at the provider's sign-in form. */
export const SSO_PASSWORD = "Sso-e2e-Pass-1";

export const SSO_ACCOUNTS: Record<string, SsoAccount> = {
  "sub-ana": {
    preferred_username: "sso-ana",
    name: "Ana Lopez",
    email: "ana@sso.example",
    groups: ["Data Science", "gpu-users"],
  },
  // His groups change between sign-ins.
  "sub-carl": {
    preferred_username: "sso-carl",
    name: "Carl Berg",
    email: "carl@sso.example",
    groups: ["Data Science", "spark-users"],
  },
  // Disabled in Berth after the first sign-in.
  "sub-dora": { preferred_username: "sso-dora", name: "Dora Kim", email: "dora@sso.example", groups: ["gpu-users"] },
  // Claims the name of Berth's local admin.
  "sub-mallory": { preferred_username: "admin", name: "Mallory", email: "mallory@sso.example", groups: ["admins"] },
  // Claims the name of a local user the spec creates (not "ana": the first-day spec's data scientist).
  "sub-lena-impostor": {
    preferred_username: "lena",
    name: "Not Lena",
    email: "not-lena@sso.example",
    groups: ["admins"],
  },
  // Another person at the provider whose preferred_username is the SSO user sso-ana's name.
  "sub-ana-twin": {
    login: "ana-twin",
    preferred_username: "sso-ana",
    name: "Ana Twin",
    email: "twin@sso.example",
    groups: ["twins"],
  },
};
