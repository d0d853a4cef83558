/**
 * Password rules enforced on every path that sets a password (sign-up, change, reset, admin create,
 * admin set, the create-admin CLI): at least 10 characters, at least two character classes, and not
 * the account's email (or its local part). Returns a reason, or null when the password is acceptable.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

export function passwordProblem(password: string, email?: string | null): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) return "password must mix at least two of: lower case, upper case, digits, symbols";
  if (email) {
    const lowered = password.toLowerCase();
    const addr = email.trim().toLowerCase();
    const local = addr.split("@")[0] ?? "";
    if (lowered === addr || (local.length >= 3 && lowered.includes(local) && lowered.length - local.length < 4)) {
      return "password must not be (or be close to) the email address";
    }
  }
  return null;
}
