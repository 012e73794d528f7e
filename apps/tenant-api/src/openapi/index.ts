export { finishDocument, RESPONSE_HEADERS } from './finish-document.ts';
export { OPERATION_IDS, TAGS } from './operation-ids.ts';
