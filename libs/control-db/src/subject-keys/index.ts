export { subjectKeyForSealing, destroySubjectKey, tenantSubject, userSubject, type SubjectId } from './subject-keys.ts';
