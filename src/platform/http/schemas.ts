import { Type } from '@sinclair/typebox';

const Messages = Type.Object({ vi: Type.String(), en: Type.String() });

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  instance: Type.String(),
  requestId: Type.String(),
  messages: Messages,
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String(), messages: Messages }))),
}, { $id: 'Problem', description: 'RFC 9457 problem details' });
