// COM automation over koffi, the part of VBScript's CreateObject that zticache util and cache-size
// need: CoCreateInstance by ProgID, then IDispatch by name (GetIDsOfNames, Invoke for a method, a
// property get and a property put with DISPID_PROPERTYPUT), the VARIANT types these objects use,
// collections through _NewEnum and IEnumVARIANT, and EXCEPINFO turned into the error's words. No
// native addon, no child process: interface methods are called through their vtable slots
// (koffi.call). Every interface pointer handed out is released by its Dispatch's release(), every
// BSTR and VARIANT this module makes is freed before it returns.

import { ComError, type Dispatch, type Variant } from '../../../core/automation.js';
import type { Koffi } from '../load-native.js';

const COINIT_APARTMENTTHREADED = 0x2;
const CLSCTX_INPROC_SERVER = 0x1;
const CLSCTX_LOCAL_SERVER = 0x4;
const DISPATCH_METHOD = 0x1;
const DISPATCH_PROPERTYGET = 0x2;
const DISPATCH_PROPERTYPUT = 0x4;
const DISPID_PROPERTYPUT = -3;
const DISPID_NEWENUM = -4;
const DISP_E_EXCEPTION = 0x80020009;
const RPC_E_CHANGED_MODE = 0x80010106;
const LOCALE_USER_DEFAULT = 0x400;
/** VARIANT types */
const VT = { EMPTY: 0, NULL: 1, I2: 2, I4: 3, R4: 4, R8: 5, DATE: 7, BSTR: 8, DISPATCH: 9, ERROR: 10, BOOL: 11, UNKNOWN: 13, I1: 16, UI1: 17, UI2: 18, UI4: 19, I8: 20, UI8: 21, INT: 22, UINT: 23 } as const;
const VARIANT_SIZE = 24;
/** vtable slots: IUnknown 0-2, IDispatch 3-6, IEnumVARIANT::Next 3 */
const SLOT = { QueryInterface: 0, Release: 2, GetIDsOfNames: 5, Invoke: 6, Next: 3 } as const;

function guid(text: string): Buffer {
  const h = text.replace(/[{}-]/g, '');
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(h.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(h.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(h.slice(12, 16), 16), 6);
  Buffer.from(h.slice(16), 'hex').copy(b, 8);
  return b;
}
const IID_NULL = Buffer.alloc(16);
const IID_IDISPATCH = guid('00020400-0000-0000-C000-000000000046');
const IID_IENUMVARIANT = guid('00020404-0000-0000-C000-000000000046');

const failed = (hr: number) => hr < 0;

export interface Com {
  /** CreateObject(progId): the object's IDispatch */
  create(progId: string): Dispatch;
}

export function bindCom(koffi: Koffi): Com {
  const ole32 = koffi.load('ole32.dll');
  const oleaut = koffi.load('oleaut32.dll');
  const CoInitializeEx = ole32.func('int32 __stdcall CoInitializeEx(void *reserved, uint32 flags)');
  const CLSIDFromProgID = ole32.func('int32 __stdcall CLSIDFromProgID(str16 progId, _Out_ uint8_t *clsid)');
  const CoCreateInstance = ole32.func('int32 __stdcall CoCreateInstance(uint8_t *clsid, void *outer, uint32 context, uint8_t *iid, _Out_ void **object)');
  const SysAllocString = oleaut.func('void * __stdcall SysAllocString(str16 text)');
  const SysFreeString = oleaut.func('void __stdcall SysFreeString(void *bstr)');
  const SysStringLen = oleaut.func('uint32 __stdcall SysStringLen(void *bstr)');
  const VariantClear = oleaut.func('int32 __stdcall VariantClear(uint8_t *variant)');
  koffi.struct('ZTI_DISPPARAMS', { rgvarg: 'void *', rgdispidNamedArgs: 'void *', cArgs: 'uint32', cNamedArgs: 'uint32' });
  const QueryInterface = koffi.proto('int32 __stdcall ZtiQueryInterface(void *self, uint8_t *iid, _Out_ void **object)');
  const Release = koffi.proto('uint32 __stdcall ZtiRelease(void *self)');
  const GetIDsOfNames = koffi.proto('int32 __stdcall ZtiGetIDsOfNames(void *self, uint8_t *iid, str16 *names, uint32 count, uint32 lcid, _Out_ int32 *ids)');
  const Invoke = koffi.proto('int32 __stdcall ZtiInvoke(void *self, int32 dispid, uint8_t *iid, uint32 lcid, uint16 flags, ZTI_DISPPARAMS *params, _Out_ uint8_t *result, _Out_ uint8_t *excepinfo, _Out_ uint32 *argError)');
  const Next = koffi.proto('int32 __stdcall ZtiEnumNext(void *self, uint32 count, _Out_ uint8_t *items, _Out_ uint32 *fetched)');

  const initialized = CoInitializeEx(null, COINIT_APARTMENTTHREADED) as number;
  if (failed(initialized) && initialized >>> 0 !== RPC_E_CHANGED_MODE) throw new ComError('CoInitializeEx', initialized);

  const slot = (object: unknown, i: number): unknown => koffi.decode(koffi.decode(object, 'void *'), i * 8, 'void *');
  const release = (object: unknown) => void koffi.call(slot(object, SLOT.Release), Release, object);
  const bstrText = (bstr: unknown): string => (bstr ? (koffi.decode(bstr, 'char16_t', SysStringLen(bstr) as number) as string) : '');

  /** A JS value into the VARIANT at `at` of buf; returns the BSTRs to free afterwards. */
  function toVariant(buf: Buffer, at: number, v: Variant): unknown[] {
    if (v === undefined || v === null) buf.writeUInt16LE(v === null ? VT.NULL : VT.EMPTY, at);
    else if (typeof v === 'boolean') {
      buf.writeUInt16LE(VT.BOOL, at);
      buf.writeInt16LE(v ? -1 : 0, at + 8);
    } else if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
      buf.writeUInt16LE(VT.I4, at);
      buf.writeInt32LE(v, at + 8);
    } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
      buf.writeUInt16LE(VT.UI4, at);
      buf.writeUInt32LE(v, at + 8);
    } else if (typeof v === 'number') {
      buf.writeUInt16LE(VT.R8, at);
      buf.writeDoubleLE(v, at + 8);
    } else if (typeof v === 'string') {
      const bstr = SysAllocString(v);
      buf.writeUInt16LE(VT.BSTR, at);
      koffi.encode(buf, at + 8, 'void *', bstr);
      return [bstr];
    } else {
      buf.writeUInt16LE(VT.DISPATCH, at);
      koffi.encode(buf, at + 8, 'void *', (v as ComDispatch).pointer);
    }
    return [];
  }

  /** The VARIANT at `at` of buf as a JS value; an object comes with its reference (the caller's to release). */
  function fromVariant(buf: Buffer, at: number, step: string): Variant {
    const vt = buf.readUInt16LE(at);
    const p = at + 8;
    switch (vt) {
      case VT.EMPTY: return undefined;
      case VT.NULL: return null;
      case VT.I1: return buf.readInt8(p);
      case VT.UI1: return buf.readUInt8(p);
      case VT.I2: return buf.readInt16LE(p);
      case VT.UI2: return buf.readUInt16LE(p);
      case VT.I4: case VT.INT: case VT.ERROR: return buf.readInt32LE(p);
      case VT.UI4: case VT.UINT: return buf.readUInt32LE(p);
      case VT.I8: return Number(buf.readBigInt64LE(p));
      case VT.UI8: return Number(buf.readBigUInt64LE(p));
      case VT.R4: return buf.readFloatLE(p);
      case VT.R8: case VT.DATE: return buf.readDoubleLE(p);
      case VT.BOOL: return buf.readInt16LE(p) !== 0;
      case VT.BSTR: {
        const text = bstrText(koffi.decode(buf, p, 'void *'));
        VariantClear(buf.subarray(at, at + VARIANT_SIZE));
        return text;
      }
      case VT.DISPATCH: case VT.UNKNOWN: {
        const object = koffi.decode(buf, p, 'void *');
        return object ? wrap(object, step) : null;
      }
      default:
        VariantClear(buf.subarray(at, at + VARIANT_SIZE));
        throw new ComError(`${step}: a value of VARIANT type ${vt}, which zticache does not read`, 0x80020005);
    }
  }

  class ComDispatch implements Dispatch {
    constructor(public pointer: unknown, private readonly what: string) {}

    private id(name: string): number {
      const ids = [0];
      const hr = koffi.call(slot(this.pointer, SLOT.GetIDsOfNames), GetIDsOfNames, this.pointer, IID_NULL, [name], 1, LOCALE_USER_DEFAULT, ids) as number;
      if (failed(hr)) throw new ComError(`${this.what}.${name}`, hr);
      return ids[0]!;
    }

    invoke(dispid: number, flags: number, args: Variant[], step: string): Variant {
      const argv = Buffer.alloc(Math.max(1, args.length) * VARIANT_SIZE);
      // DISPPARAMS holds the arguments last first
      const bstrs = args.flatMap((a, i) => toVariant(argv, (args.length - 1 - i) * VARIANT_SIZE, a));
      const named = Buffer.alloc(4);
      named.writeInt32LE(DISPID_PROPERTYPUT, 0);
      const put = (flags & DISPATCH_PROPERTYPUT) !== 0;
      const result = Buffer.alloc(VARIANT_SIZE);
      const excep = Buffer.alloc(64);
      try {
        const hr = koffi.call(slot(this.pointer, SLOT.Invoke), Invoke, this.pointer, dispid, IID_NULL, LOCALE_USER_DEFAULT, flags,
          { rgvarg: args.length ? argv : null, rgdispidNamedArgs: put ? named : null, cArgs: args.length, cNamedArgs: put ? 1 : 0 },
          result, excep, [0]) as number;
        if (failed(hr)) throw exception(step, hr, excep);
        return fromVariant(result, 0, step);
      } finally {
        for (const b of bstrs) SysFreeString(b);
      }
    }

    get(name: string): Variant {
      return this.invoke(this.id(name), DISPATCH_PROPERTYGET | DISPATCH_METHOD, [], `${this.what}.${name}`);
    }

    put(name: string, value: Variant): void {
      this.invoke(this.id(name), DISPATCH_PROPERTYPUT, [value], `${this.what}.${name} = ${String(value)}`);
    }

    call(name: string, ...args: Variant[]): Variant {
      return this.invoke(this.id(name), DISPATCH_METHOD | DISPATCH_PROPERTYGET, args, `${this.what}.${name}(${args.map((a) => (typeof a === 'object' && a ? '[object]' : String(a))).join(', ')})`);
    }

    items(): Dispatch[] {
      const step = `${this.what}._NewEnum`;
      const unknown = this.invoke(DISPID_NEWENUM, DISPATCH_METHOD | DISPATCH_PROPERTYGET, [], step) as ComDispatch | null;
      if (!unknown) return [];
      const out: unknown[] = [null];
      const hr = koffi.call(slot(unknown.pointer, SLOT.QueryInterface), QueryInterface, unknown.pointer, IID_IENUMVARIANT, out) as number;
      unknown.release();
      if (failed(hr)) throw new ComError(`${step}: IEnumVARIANT`, hr);
      const items: Dispatch[] = [];
      try {
        for (;;) {
          const v = Buffer.alloc(VARIANT_SIZE);
          const fetched = [0];
          const r = koffi.call(slot(out[0], SLOT.Next), Next, out[0], 1, v, fetched) as number;
          if (failed(r)) throw new ComError(`${step}: IEnumVARIANT::Next`, r);
          if (fetched[0] !== 1) break;
          const item = fromVariant(v, 0, `${this.what} item`);
          if (item && typeof item === 'object') items.push(item);
        }
      } finally {
        release(out[0]);
      }
      return items;
    }

    release(): void {
      if (this.pointer) release(this.pointer);
      this.pointer = null;
    }
  }

  function wrap(object: unknown, what: string): ComDispatch {
    return new ComDispatch(object, what);
  }

  /** A failed Invoke: DISP_E_EXCEPTION carries the server's own HRESULT and words in EXCEPINFO. */
  function exception(step: string, hr: number, excep: Buffer): ComError {
    if (hr >>> 0 !== DISP_E_EXCEPTION) return new ComError(step, hr);
    // EXCEPINFO (x64): wCode 0, bstrSource 8, bstrDescription 16, bstrHelpFile 24, scode 56
    const source = koffi.decode(excep, 8, 'void *');
    const description = koffi.decode(excep, 16, 'void *');
    const help = koffi.decode(excep, 24, 'void *');
    const words = bstrText(description);
    for (const b of [source, description, help]) if (b) SysFreeString(b);
    const scode = excep.readInt32LE(56);
    const wCode = excep.readUInt16LE(0);
    return new ComError(step, scode !== 0 ? scode : wCode !== 0 ? 0x80040200 + wCode : hr, words || undefined);
  }

  return {
    create(progId) {
      const clsid = Buffer.alloc(16);
      let hr = CLSIDFromProgID(progId, clsid) as number;
      if (failed(hr)) throw new ComError(`CreateObject("${progId}")`, hr);
      const out: unknown[] = [null];
      hr = CoCreateInstance(clsid, null, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER, IID_IDISPATCH, out) as number;
      if (failed(hr)) throw new ComError(`CreateObject("${progId}")`, hr);
      return wrap(out[0], progId);
    },
  };
}
