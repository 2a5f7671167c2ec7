import { submissionJsonSchema, storyRequestJsonSchema, correctionRequestJsonSchema } from '@newsroom/domain';
const s = JSON.stringify(submissionJsonSchema());
console.log(s.length, Object.keys(submissionJsonSchema()), s.includes('$defs'), s.includes('$ref'), s.slice(0, 600));
console.log(JSON.stringify(correctionRequestJsonSchema()).slice(0,1500));
