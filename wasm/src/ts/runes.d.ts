/** Core Lightning's `decode` JSON for a rune. */
export interface RuneDecoded {
  type: "rune";
  unique_id?: string;
  version?: string;
  /** `HEX-AUTHCODE:RESTRICTIONS` */
  string?: string;
  restrictions?: { alternatives: string[]; summary: string }[];
  valid: boolean;
  [field: string]: unknown;
}
