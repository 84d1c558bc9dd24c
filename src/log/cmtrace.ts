// One CMTrace / OneTrace log line, as ConfigMgr and MDT's ZTIUtility write them, so ZTICache.log
// reads like BDD.log beside it:
//   <![LOG[msg]LOG]!><time="HH:mm:ss.mmm+BIAS" date="MM-dd-yyyy" component="ZTICache" context="" type="1" thread="PID" file="">
// BIAS is minutes with the sign of getTimezoneOffset() (UTC+1 -> "-60", UTC -> "+000"); "+-60"
// would break CMTrace's parser.

import { printable } from '../core/format.js';

export type CmType = 1 | 2 | 3; // information, warning, error

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function cmtraceBias(offsetMinutes: number): string {
  if (offsetMinutes === 0) return '+000';
  return offsetMinutes > 0 ? `+${offsetMinutes}` : `-${-offsetMinutes}`;
}

export function cmtraceLine(message: string, type: CmType, when: Date, component = 'ZTICache', thread: number = process.pid): string {
  const time = `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}.${pad(when.getMilliseconds(), 3)}${cmtraceBias(when.getTimezoneOffset())}`;
  const date = `${pad(when.getMonth() + 1)}-${pad(when.getDate())}-${when.getFullYear()}`;
  // a line break would end the entry for a line reader (format.ts: printable), and CMTrace's own
  // markers inside a message would end it early or start a forged one
  const msg = printable(message).replace(/\]LOG\]!>/g, ']LOG]>').replace(/<!\[LOG\[/g, '<![LOG(');
  return `<![LOG[${msg}]LOG]!><time="${time}" date="${date}" component="${component}" context="" type="${type}" thread="${thread}" file="">`;
}
