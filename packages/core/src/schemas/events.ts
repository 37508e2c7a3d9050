import Type from 'typebox'

/** `POST /api/jobs/:job_id/events-token`: a short-lived token for one job's event stream. */
export const EventsToken = Type.Object({ token: Type.String(), expires_in: Type.Integer() })

/** `GET /api/jobs/:job_id/events?token=`: browsers' EventSource cannot send an Authorization header. */
export const EventsQuery = Type.Object({
  token: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
})
