export { subjectKeyForSealing, destroySubjectKey, tenantSubject, userSubject, type SubjectId } from './subject-keys.ts';
export { sealForLog, sealAllForLog } from './seal-for-log.ts';
export { subjectKeyReader } from './key-reader.ts';
