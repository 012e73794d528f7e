import { MEMBER_ROLES, MEMBER_STATUSES } from '../member.ts';
import { dateTime, nullableDateTime, nullableString } from './nullable.ts';

/** JSON Schema (draft-07) of TenantMember; extra fields are accepted, as for the snapshot. */
export const tenantMemberSchema = {
  title: 'TenantMember',
  type: 'object',
  required: ['user_id', 'email', 'first_name', 'last_name', 'role', 'status', 'joined_at', 'last_login_at'],
  properties: {
    user_id: { type: 'string', minLength: 1 },
    email: { type: ['string', 'null'], minLength: 3, description: 'v2: null once the user is erased' },
    first_name: nullableString,
    last_name: nullableString,
    role: { type: 'string', enum: MEMBER_ROLES },
    status: { type: 'string', enum: MEMBER_STATUSES },
    joined_at: dateTime,
    last_login_at: nullableDateTime,
  },
} as const;
