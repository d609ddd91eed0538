// Reads {jwk, requests: [{method, url, headers, body}]} on stdin and prints, for each
// request, whether Interledger's reference implementation accepts its signature.
const { validateSignature, validateSignatureHeaders } = require('@interledger/http-signature-utils')

let input = ''
process.stdin.on('data', (chunk) => { input += chunk })
process.stdin.on('end', async () => {
  const { jwk, requests } = JSON.parse(input)
  const results = []
  for (const request of requests) {
    try {
      results.push(validateSignatureHeaders(request) && (await validateSignature(jwk, request)))
    } catch (error) {
      results.push(false)
    }
  }
  process.stdout.write(JSON.stringify(results))
})
