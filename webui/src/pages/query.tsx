/** Placeholder, replaced below. */
export default function Page() {
  return <h1>query</h1>;
}
