/** One HTTP request the registry client made, reported to `onRequest` (tests count them). */
export interface RequestEvent {
  method: string;
  url: string;
  /** HTTP status; 0 when the request failed without an answer. */
  status: number;
  /** 1-based attempt of the operation this request belongs to. */
  attempt: number;
}
