// SMS_Advertisement.RemoteClientFlags, bit by bit (ConfigMgr SDK). "Download and execute" is one
// choice between two bits: DOWNLOAD_FROM_LOCAL_DISPPOINT (0x10) instead of RUN_FROM_LOCAL_DISPPOINT
// (0x08). ZTICacheUtil.vbs wrote the whole value (48 or 40) and so wiped every other setting of
// the advertisement (rerun behaviour, balloon reminders, remote DP, write filters, metered
// networks); here only those two bits change.

export const RUN_FROM_LOCAL_DISPPOINT = 0x08;
export const DOWNLOAD_FROM_LOCAL_DISPPOINT = 0x10;

export const REMOTE_CLIENT_FLAGS: ReadonlyArray<readonly [bit: number, name: string]> = [
  [0x00000001, 'BATTERY_POWER'],
  [0x00000002, 'RUN_FROM_CD'],
  [0x00000004, 'DOWNLOAD_FROM_CD'],
  [RUN_FROM_LOCAL_DISPPOINT, 'RUN_FROM_LOCAL_DISPPOINT'],
  [DOWNLOAD_FROM_LOCAL_DISPPOINT, 'DOWNLOAD_FROM_LOCAL_DISPPOINT'],
  [0x00000020, 'DONT_RUN_NO_LOCAL_DISPPOINT'],
  [0x00000040, 'DOWNLOAD_FROM_REMOTE_DISPPOINT'],
  [0x00000080, 'RUN_FROM_REMOTE_DISPPOINT'],
  [0x00000100, 'DOWNLOAD_ON_DEMAND_FROM_LOCAL_DP'],
  [0x00000200, 'DOWNLOAD_ON_DEMAND_FROM_REMOTE_DP'],
  [0x00000400, 'BALLOON_REMINDERS_REQUIRED'],
  [0x00000800, 'RERUN_ALWAYS'],
  [0x00001000, 'RERUN_NEVER'],
  [0x00002000, 'RERUN_IF_FAILED'],
  [0x00004000, 'RERUN_IF_SUCCEEDED'],
  [0x00008000, 'PERSIST_ON_WRITE_FILTER_DEVICES'],
  [0x00020000, 'DONT_FALLBACK'],
  [0x00040000, 'DP_ALLOW_METERED_NETWORK'],
];

/** The flags with download and execute on (0x10 set, 0x08 cleared) or off (the reverse); every other bit kept. */
export function withDownloadAndExecute(flags: number, enable: boolean): number {
  const kept = flags & ~(RUN_FROM_LOCAL_DISPPOINT | DOWNLOAD_FROM_LOCAL_DISPPOINT);
  return (kept | (enable ? DOWNLOAD_FROM_LOCAL_DISPPOINT : RUN_FROM_LOCAL_DISPPOINT)) >>> 0;
}

export const downloadEnabled = (flags: number): boolean => (flags & DOWNLOAD_FROM_LOCAL_DISPPOINT) !== 0;

/** "48 (0x30: DOWNLOAD_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT)"; bits without a name in hex. */
export function describeFlags(flags: number): string {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [bit, name] of REMOTE_CLIENT_FLAGS) {
    if (rest & bit) names.push(name);
    rest = (rest & ~bit) >>> 0;
  }
  if (rest) names.push(`0x${rest.toString(16).toUpperCase()}`);
  return `${flags >>> 0} (0x${(flags >>> 0).toString(16).toUpperCase()}: ${names.join('|') || 'none'})`;
}
