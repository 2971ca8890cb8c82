/** The review queues (corrections, probable duplicates) page by request time, oldest first by default. */
import { pageQuery, parseSort, type PageRequest, type SortParam } from '../platform/http/paging.ts';

export const REVIEW_SORTS = ['requestedAt'] as const;
export type ReviewSort = SortParam<(typeof REVIEW_SORTS)[number]>;
export type ReviewPage = PageRequest<ReviewSort>;

export const reviewQuery = () => pageQuery(REVIEW_SORTS, 'requestedAt');

/** `asc` or `desc`: the direction of request time (and of the id that breaks ties). */
export const reviewDirection = (p: ReviewPage): 'asc' | 'desc' => (parseSort(p.sort).desc ? 'desc' : 'asc');
