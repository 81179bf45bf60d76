// A query's name filter is one name or a list of them ("any of these"); backends read it as a list.
export function namesOf(name: string | readonly string[]): readonly string[] {
  return typeof name === 'string' ? [name] : name;
}
