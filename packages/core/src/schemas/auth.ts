import Type, { type Static } from 'typebox'
import { LanguageTagField, refTo, Text, Timestamp, Uuid } from './common.ts'

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 })
export const Password = Type.String({ minLength: 8, maxLength: 128 })

export const RegisterBody = Type.Object({
  first_name: Text(100),
  last_name: Text(100),
  email: Email,
  password: Password,
})
export type RegisterBody = Static<typeof RegisterBody>

/** A password being checked (not set): any length a set one may have had. */
const GivenPassword = Type.String({ minLength: 1, maxLength: 128 })

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: GivenPassword,
  session: Type.Optional(
    Type.Enum(['body', 'cookie'], {
      description:
        '`cookie` (browsers): the refresh token is set as an HttpOnly cookie and never appears in a body. Default `body`.',
    }),
  ),
})
export type LoginBody = Static<typeof LoginBody>

export const Parent = Type.Object(
  {
    id: Uuid,
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    language: Type.Union([Type.String(), Type.Null()], {
      description: "the family's preferred story language, the default for children without one",
    }),
    created_at: Timestamp,
  },
  { $id: 'Parent' },
)
export type Parent = Static<typeof Parent>

export const ParentResponse = Type.Object({ parent: refTo(Parent) })

export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'seconds' }),
    refresh_token: Type.Optional(
      Type.String({ description: 'opaque; absent in cookie mode, where it travels only in the cookie' }),
    ),
    refresh_expires_in: Type.Integer({ description: "seconds until the session's absolute expiry" }),
  },
  { $id: 'TokenResponse' },
)
export type TokenResponse = Static<typeof TokenResponse>

export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})
export type RefreshBody = Static<typeof RefreshBody>

export const Session = Type.Object(
  {
    id: Uuid,
    created_at: Timestamp,
    last_used_at: Timestamp,
    client: Type.String({ description: 'a short label read from the User-Agent, e.g. "Firefox on Linux"' }),
    current: Type.Boolean({ description: 'the session of the token that asked' }),
  },
  { $id: 'Session' },
)
export const SessionList = Type.Object({ sessions: Type.Array(refTo(Session)) })
export const SessionParams = Type.Object({ session_id: Uuid })

export const UpdateMeBody = Type.Object({
  first_name: Type.Optional(Text(100)),
  last_name: Type.Optional(Text(100)),
  email: Type.Optional(Email),
  language: Type.Optional(Type.Union([LanguageTagField, Type.Null()])),
  current_password: Type.Optional(GivenPassword),
})
export type UpdateMeBody = Static<typeof UpdateMeBody>

export const ChangePasswordBody = Type.Object({
  current_password: GivenPassword,
  new_password: Password,
})

export const DeleteAccountBody = Type.Object({ password: GivenPassword })
