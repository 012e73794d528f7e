export { destroySubjectKey, renewDestroyedTenantKey, tenantSubject, userSubject, type SubjectId } from './subject-keys.ts';
export { sealForLog } from './seal-for-log.ts';
export { subjectKeyReader, subjectKeyReaderIn } from './key-reader.ts';
