export { api, request, setRequestLanguage, onUnauthorized, type RequestOptions } from './client.ts';
export { ApiError, parseProblem, type ApiErrorKind, type Problem, type ProblemFieldError } from './problem.ts';
export { errorText } from './error-text.ts';
