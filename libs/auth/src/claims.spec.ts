import { hasPermission } from './claims.ts';

describe('hasPermission', () => {
  it('grants superusers everything and others only what they hold', () => {
    expect(hasPermission({ superuser: true, permissions: [] }, 'CREATE_TENANT')).toBe(true);
    expect(hasPermission({ superuser: false, permissions: ['CREATE_TENANT'] }, 'CREATE_TENANT')).toBe(true);
    expect(hasPermission({ superuser: false, permissions: [] }, 'CREATE_TENANT')).toBe(false);
  });
});
