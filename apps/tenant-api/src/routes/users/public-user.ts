/** The fields of a user any answer may carry: never its password hash or erasure bookkeeping. */
export function publicUser(user: { id: string; email: string; first_name: string | null; last_name: string | null; superuser: boolean; permissions: string[]; status: string }) {
  const { id, email, first_name, last_name, superuser, permissions, status } = user;
  return { id, email, first_name, last_name, superuser, permissions, status };
}
