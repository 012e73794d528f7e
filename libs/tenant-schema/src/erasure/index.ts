// A person's data inside tenant schemas, removed on their erasure (see the README's Data lifecycle).
export { eraseUserProfile } from './erase-user-profile.ts';
