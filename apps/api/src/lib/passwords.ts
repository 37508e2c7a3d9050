import { hash, verify } from '@node-rs/argon2'

// argon2id runs on libuv's thread pool (the binding is asynchronous), so hashing never stalls the event loop.
// algorithm 2 is Argon2id (the binding's Algorithm is a const enum, which type stripping cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const hashPassword = (password: string) => hash(password, OPTIONS)

// Verified against when the email is unknown, so both failures take the same time.
let decoyHash: Promise<string> | undefined

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    decoyHash ??= hashPassword('decoy password that matches nothing')
    await verify(await decoyHash, password)
    return false
  }
  return verify(passwordHash, password)
}
