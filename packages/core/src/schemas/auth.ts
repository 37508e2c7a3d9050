import Type, { type Static } from 'typebox'
import { Text, Timestamp, Uuid } from './common.ts'

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 })
export const Password = Type.String({ minLength: 8, maxLength: 128 })

export const RegisterBody = Type.Object({
  first_name: Text(100),
  last_name: Text(100),
  email: Email,
  password: Password,
})
export type RegisterBody = Static<typeof RegisterBody>

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 128 }),
})
export type LoginBody = Static<typeof LoginBody>

export const Parent = Type.Object({
  id: Uuid,
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  created_at: Timestamp,
})
export type Parent = Static<typeof Parent>

export const ParentResponse = Type.Object({ parent: Parent })

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
})
