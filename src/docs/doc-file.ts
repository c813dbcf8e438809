/** A generated page: its path from the repository root, and its text. */
export interface DocFile {
  path: string;
  content: string;
}
