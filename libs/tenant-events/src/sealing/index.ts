export { isSealedValue, sealValue, openValue, type SealedValue, type SubjectKeyLookup } from './sealed-value.ts';
export { SEALED_TENANT_FIELDS, SEALED_MEMBER_FIELDS, tenantKeyId, userKeyId } from './personal-fields.ts';
export { sealEvent, openEvent, sealingSubjectsOf } from './seal-event.ts';
export * from './personal-fields.ts';
