/* Test doubles for the Wine suite, registered in the test prefix under the real ProgIDs:
 *   WbemScripting.SWbemLocator  an SMS provider shaped like SWbemLocator / SWbemServices /
 *                               SWbemObjectSet / SWbemObject (ConnectServer, ExecQuery, Get, Put_,
 *                               properties by name, _NewEnum), holding a site in C:\fakesite.txt
 *   WbemScripting.SWbemLastError the extended status of the call that failed last in this process
 *                               (an SMS_ExtendedStatus: Description, StatusCode, ErrorCode, Path_.
 *                               Class); creating one fails when there is none, and reading it
 *                               resets it, as the WMI scripting documentation says
 *   UIResource.UIResourceMgr    GetCacheInfo -> TotalSize (read and write), FreeSize, Location
 * The file has one object a line: Class|Name=Value|Name=#Number|..., and switches:
 * "!noimageflags" (current ConfigMgr: a query on ImageFlags is WBEM_E_INVALID_QUERY);
 * "!denyput" (Put_ is WBEM_E_ACCESS_DENIED, with the SMS provider's reason; "!denyput:N" only the
 * Nth Put_ of the process); "!writer:N:Name=Value" (another admin: right before the Nth Get of the
 * process answers, the object it gets is changed and written back, between zticache's read and
 * its write); "!failenum:Class:N" (the enumeration of a query on Class fails at its Nth object,
 * RPC_S_CALL_FAILED, as a provider that drops mid-way). Writes go back to the file, so a test
 * reads them, and each Put_ that is taken adds its class to C:\fakeputs.txt, so a test reads their
 * order. An object path is read as WMI reads it: inside a quoted value only \\ and \' are escapes;
 * anything else is WBEM_E_INVALID_OBJECT_PATH; key values are compared as the site database does,
 * without case and without trailing blanks. ActionInProgress is a property like any other.
 * For zticache util's planning commands: a query's "where Prop = 'value' or Prop = #" is applied
 * (anything else there is WBEM_E_INVALID_QUERY); a property written "~Name=" is LAZY (an
 * advertisement's AssignedSchedule, a collection's CollectionRules): a query's objects lack it, a
 * Get by path has it, and a query's object written back loses it, as WMI writes it as NULL; a
 * value written "!..." is raw MOF (an array of embedded objects, TRUE, FALSE), shown only by
 * GetObjectText_, which writes the object as MOF text on one line. Get("Class") gives the class,
 * whose SpawnInstance_ gives a new object (SMS_Collection with LimitToCollectionID unless
 * "!nolimit": SMS 2003); its Put_ adds a row (a collection gets CollectionID MTN00100, MTN00101,
 * ...) and answers an object path whose RelPath names it; AddMembershipRule(rule) adds the rule to
 * the collection's CollectionRules ("!denyrule": refused with the provider's reason);
 * RequestRefresh answers 0; Delete_ removes the row ("!denydelete": refused). Put_ and Delete_
 * add "Class" and "-Class" to C:\fakeputs.txt.
 * IDispatch only, late bound by name, as VBScript (and zticache) use these objects. */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <stdio.h>
#include <wchar.h>
#include <wctype.h>
#include <wbemcli.h>

#define SITE_FILE L"C:\\fakesite.txt"
#define MAXROWS 512
#define MAXPROPS 16
#define VALUELEN 2048

static const GUID CLSID_FakeLocator = {0x5a1e0001, 0x2d6f, 0x4c6e, {0x9a, 0x11, 0x7a, 0x63, 0x61, 0x63, 0x68, 0x65}};
static const GUID CLSID_FakeUIResource = {0x5a1e0002, 0x2d6f, 0x4c6e, {0x9a, 0x11, 0x7a, 0x63, 0x61, 0x63, 0x68, 0x65}};
static const GUID CLSID_FakeLastError = {0x5a1e0003, 0x2d6f, 0x4c6e, {0x9a, 0x11, 0x7a, 0x63, 0x61, 0x63, 0x68, 0x65}};

typedef struct { WCHAR cls[64]; int n; WCHAR name[MAXPROPS][64]; WCHAR value[MAXPROPS][VALUELEN]; int number[MAXPROPS]; } Row;
static Row rows[MAXROWS];
static int nrows, noImageFlags, denyPut, denyPutAt, putCalls, getCalls, writerAt, failEnumAt, noLimit, denyRule, denyDelete;
static WCHAR writerProp[64], writerValue[260], failEnumClass[64];
static int writerNumber;
/* the extended status of the last failed call (SWbemLastError), until it is read */
static int haveLastError;
static Row lastError;

static void load(void) {
    FILE *f = _wfopen(SITE_FILE, L"r, ccs=UTF-8");
    static WCHAR line[16384];
    nrows = noImageFlags = denyPut = denyPutAt = writerAt = failEnumAt = noLimit = denyRule = denyDelete = 0;
    if (!f) return;
    while (fgetws(line, 16384, f) && nrows < MAXROWS) {
        line[wcscspn(line, L"\r\n")] = 0;
        if (line[0] == 0xFEFF) memmove(line, line + 1, wcslen(line) * sizeof(WCHAR));
        if (!wcscmp(line, L"!noimageflags")) { noImageFlags = 1; continue; }
        if (!wcscmp(line, L"!denyput")) { denyPut = 1; continue; }
        if (!wcscmp(line, L"!nolimit")) { noLimit = 1; continue; }
        if (!wcscmp(line, L"!denyrule")) { denyRule = 1; continue; }
        if (!wcscmp(line, L"!denydelete")) { denyDelete = 1; continue; }
        if (!wcsncmp(line, L"!denyput:", 9)) { denyPutAt = _wtoi(line + 9); continue; }
        if (!wcsncmp(line, L"!writer:", 8)) { /* !writer:N:Name=Value */
            WCHAR *colon = wcschr(line + 8, L':'), *eq = colon ? wcschr(colon, L'=') : NULL;
            if (!eq) continue;
            writerAt = _wtoi(line + 8);
            *eq = 0;
            wcsncpy(writerProp, colon + 1, 63);
            writerNumber = eq[1] == L'#';
            wcsncpy(writerValue, eq + 1 + writerNumber, 259);
            continue;
        }
        if (!wcsncmp(line, L"!failenum:", 10)) { /* !failenum:Class:N */
            WCHAR *colon = wcschr(line + 10, L':');
            if (!colon) continue;
            *colon = 0;
            wcsncpy(failEnumClass, line + 10, 63);
            failEnumAt = _wtoi(colon + 1);
            continue;
        }
        if (!line[0]) continue;
        Row *r = &rows[nrows++];
        memset(r, 0, sizeof *r);
        WCHAR *ctx, *tok = wcstok_s(line, L"|", &ctx);
        wcsncpy(r->cls, tok, 63);
        while ((tok = wcstok_s(NULL, L"|", &ctx)) && r->n < MAXPROPS) {
            WCHAR *eq = wcschr(tok, L'=');
            if (!eq) continue;
            *eq = 0;
            wcsncpy(r->name[r->n], tok, 63);
            r->number[r->n] = eq[1] == L'#';
            wcsncpy(r->value[r->n], eq + 1 + r->number[r->n], VALUELEN - 1);
            r->n++;
        }
    }
    fclose(f);
}

static void save(void) {
    FILE *f = _wfopen(SITE_FILE, L"w, ccs=UTF-8");
    if (!f) return;
    if (noImageFlags) fwprintf(f, L"!noimageflags\n");
    if (denyPut) fwprintf(f, L"!denyput\n");
    if (noLimit) fwprintf(f, L"!nolimit\n");
    if (denyRule) fwprintf(f, L"!denyrule\n");
    if (denyDelete) fwprintf(f, L"!denydelete\n");
    if (denyPutAt) fwprintf(f, L"!denyput:%d\n", denyPutAt);
    if (writerAt) fwprintf(f, L"!writer:%d:%ls=%ls%ls\n", writerAt, writerProp, writerNumber ? L"#" : L"", writerValue);
    if (failEnumAt) fwprintf(f, L"!failenum:%ls:%d\n", failEnumClass, failEnumAt);
    for (int i = 0; i < nrows; i++) {
        fwprintf(f, L"%ls", rows[i].cls);
        for (int j = 0; j < rows[i].n; j++) fwprintf(f, L"|%ls=%ls%ls", rows[i].name[j], rows[i].number[j] ? L"#" : L"", rows[i].value[j]);
        fwprintf(f, L"\n");
    }
    fclose(f);
}

static int prop(Row *r, const WCHAR *name) {
    for (int j = 0; j < r->n; j++) if (!_wcsicmp(r->name[j], name)) return j;
    return -1;
}

/* Sets a property of a row (added when it has none). */
static void setProp(Row *r, const WCHAR *name, const WCHAR *value, int number) {
    int j = prop(r, name);
    if (j < 0 && r->n < MAXPROPS) { j = r->n++; wcsncpy(r->name[j], name, 63); }
    if (j < 0) return;
    wcsncpy(r->value[j], value, VALUELEN - 1);
    r->number[j] = number;
}

static int sameKey(const WCHAR *a, const WCHAR *b);

/* A query's object: without its lazy properties ("~Name"), as WMI fills them only on a Get by path. */
static void dropLazy(Row *r) {
    for (int j = 0; j < r->n;) {
        if (r->name[j][0] != L'~') { j++; continue; }
        memmove(&r->name[j], &r->name[j + 1], (r->n - j - 1) * sizeof r->name[0]);
        memmove(&r->value[j], &r->value[j + 1], (r->n - j - 1) * sizeof r->value[0]);
        memmove(&r->number[j], &r->number[j + 1], (r->n - j - 1) * sizeof r->number[0]);
        r->n--;
    }
}

/* Appends to a text buffer of TEXTLEN characters, cut where it is full. */
#define TEXTLEN (VALUELEN * 4)
static void cat(WCHAR *buf, const WCHAR *s) {
    size_t n = wcslen(buf);
    if (n < TEXTLEN - 1) wcsncat(buf, s, TEXTLEN - 1 - n);
}

/* A MOF string literal: quoted, \ and " escaped. */
static void catString(WCHAR *buf, const WCHAR *s) {
    WCHAR c[2] = {0};
    cat(buf, L"\"");
    for (; *s; s++) {
        if (*s == L'\\' || *s == L'"') cat(buf, L"\\");
        c[0] = *s;
        cat(buf, c);
    }
    cat(buf, L"\"");
}

/* The object as GetObjectText_ writes it, on one line (the site file holds a row a line). */
static void mofText(Row *r, WCHAR *buf) {
    buf[0] = 0;
    cat(buf, L"instance of ");
    cat(buf, r->cls);
    cat(buf, L" {");
    for (int j = 0; j < r->n; j++) {
        cat(buf, L" ");
        cat(buf, r->name[j] + (r->name[j][0] == L'~'));
        cat(buf, L" = ");
        if (r->value[j][0] == L'!') cat(buf, r->value[j] + 1);
        else if (r->number[j]) cat(buf, r->value[j][0] ? r->value[j] : L"0");
        else catString(buf, r->value[j]);
        cat(buf, L";");
    }
    cat(buf, L" }");
}

/* "where A = 'x' or A = 'y' or B = 3": 1 when a row matches, 0 when not, -1 for a clause it cannot read. */
static int whereMatches(Row *r, const WCHAR *where) {
    const WCHAR *s = where;
    int any = 0;
    for (;;) {
        WCHAR name[64] = {0}, val[VALUELEN] = {0};
        int k = 0;
        while (*s == L' ') s++;
        while ((iswalnum(*s) || *s == L'_') && k < 63) name[k++] = *s++;
        while (*s == L' ') s++;
        if (!k || *s++ != L'=') return -1;
        while (*s == L' ') s++;
        k = 0;
        if (*s == L'\'') {
            s++;
            while (*s && *s != L'\'' && k < VALUELEN - 1) {
                if (*s == L'\\') { if (s[1] != L'\\' && s[1] != L'\'') return -1; s++; }
                val[k++] = *s++;
            }
            if (*s++ != L'\'') return -1;
        } else {
            while (iswdigit(*s) && k < VALUELEN - 1) val[k++] = *s++;
            if (!k) return -1;
        }
        int j = prop(r, name);
        if (j >= 0 && sameKey(r->value[j], val)) any = 1;
        while (*s == L' ') s++;
        if (!*s) return any;
        if (_wcsnicmp(s, L"or ", 3)) return -1;
        s += 3;
    }
}

/* Two key values as the site database compares them: without case, trailing blanks ignored. */
static int sameKey(const WCHAR *a, const WCHAR *b) {
    size_t la = wcslen(a), lb = wcslen(b);
    while (la && a[la - 1] == L' ') la--;
    while (lb && b[lb - 1] == L' ') lb--;
    return la == lb && !_wcsnicmp(a, b, la);
}

/* ---- one object type for all: what it is decides what Invoke does ---- */
enum Kind { LOCATOR, PROVIDER, SITE, OBJECTSET, OBJECT, UIRESOURCE, CACHEINFO, PROVIDERLOCATION, LASTERROR, OBJECTPATH, CLASSOBJ };
typedef struct Obj { IDispatch iface; LONG ref; enum Kind kind; int row; int set[MAXROWS]; int nset; WCHAR setClass[64]; Row copy; } Obj;
typedef struct { IEnumVARIANT iface; LONG ref; Obj *owner; int pos; } Enum;

static IDispatchVtbl objVtbl;
static IEnumVARIANTVtbl enumVtbl;

static Obj *newObj(enum Kind kind) {
    Obj *o = calloc(1, sizeof *o);
    o->iface.lpVtbl = &objVtbl;
    o->ref = 1;
    o->kind = kind;
    o->row = -1;
    return o;
}

static HRESULT fail(EXCEPINFO *e, HRESULT scode, const WCHAR *text) {
    if (e) { memset(e, 0, sizeof *e); e->scode = scode; e->bstrSource = SysAllocString(L"SWbemServicesEx"); e->bstrDescription = SysAllocString(text); }
    return DISP_E_EXCEPTION;
}

/* A failure with the SMS provider's reason, left for SWbemLastError. */
static HRESULT failSms(EXCEPINFO *e, HRESULT scode, const WCHAR *text, const WCHAR *reason, unsigned errorCode) {
    WCHAR number[32];
    memset(&lastError, 0, sizeof lastError);
    wcscpy(lastError.cls, L"SMS_ExtendedStatus");
    setProp(&lastError, L"Description", reason, 0);
    swprintf(number, 32, L"%d", (int)scode);
    setProp(&lastError, L"StatusCode", number, 1);
    swprintf(number, 32, L"%d", (int)errorCode);
    setProp(&lastError, L"ErrorCode", number, 1);
    setProp(&lastError, L"Operation", L"PutInstance", 0);
    setProp(&lastError, L"ProviderName", L"SMS Provider", 0);
    haveLastError = 1;
    return fail(e, scode, text);
}

static HRESULT WINAPI QI(IDispatch *This, REFIID riid, void **out) {
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)) { *out = This; IDispatch_AddRef(This); return S_OK; }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI AddRef(IDispatch *This) { return InterlockedIncrement(&((Obj *)This)->ref); }
static ULONG WINAPI Release(IDispatch *This) {
    LONG r = InterlockedDecrement(&((Obj *)This)->ref);
    if (!r) free(This);
    return r;
}
static HRESULT WINAPI GetTypeInfoCount(IDispatch *This, UINT *n) { *n = 0; return S_OK; }
static HRESULT WINAPI GetTypeInfo(IDispatch *This, UINT i, LCID l, ITypeInfo **t) { return E_NOTIMPL; }

/* DISPIDs: methods below 100, properties 100 + their index in the row */
static const WCHAR *methods[] = {L"", L"ConnectServer", L"ExecQuery", L"Get", L"Put_", L"GetCacheInfo", L"Path_",
    L"SpawnInstance_", L"GetObjectText_", L"AddMembershipRule", L"RequestRefresh", L"Delete_"};
#define NMETHODS 12

static Row *rowOf(Obj *o) { return o->kind == OBJECT || o->kind == CACHEINFO || o->kind == PROVIDERLOCATION || o->kind == LASTERROR || o->kind == OBJECTPATH ? &o->copy : NULL; }

static HRESULT WINAPI GetIDsOfNames(IDispatch *This, REFIID riid, LPOLESTR *names, UINT n, LCID lcid, DISPID *ids) {
    for (int m = 1; m < NMETHODS; m++) if (!_wcsicmp(names[0], methods[m])) { ids[0] = m; return S_OK; }
    Row *r = rowOf((Obj *)This);
    int j = r ? prop(r, names[0]) : -1;
    /* a new instance takes the properties its class has: those zticache sets on a collection, a rule, a link */
    static const WCHAR *settable[] = {L"Name", L"Comment", L"OwnedByThisSite", L"RuleName", L"QueryExpression", L"parentCollectionID", L"subCollectionID"};
    if (j < 0 && r && ((Obj *)This)->kind == OBJECT && ((Obj *)This)->row < 0)
        for (int k = 0; k < 7; k++) if (!_wcsicmp(names[0], settable[k])) { setProp(r, settable[k], L"", 0); j = prop(r, names[0]); }
    if (j < 0) { ids[0] = DISPID_UNKNOWN; return DISP_E_UNKNOWNNAME; }
    ids[0] = 100 + j;
    return S_OK;
}

static const WCHAR *argStr(DISPPARAMS *p, UINT i) {
    /* arguments come last first */
    VARIANT *v = &p->rgvarg[p->cArgs - 1 - i];
    return V_VT(v) == VT_BSTR ? V_BSTR(v) : L"";
}

static void retObj(VARIANT *res, Obj *o) { VariantInit(res); V_VT(res) = VT_DISPATCH; V_DISPATCH(res) = &o->iface; }

static int matches(Row *r, const WCHAR *path) {
    /* Class.Key='Value',Key2='Value2' */
    const WCHAR *dot = wcschr(path, L'.');
    if (!dot || _wcsnicmp(path, r->cls, dot - path) || r->cls[dot - path]) return 0;
    const WCHAR *s = dot + 1;
    while (*s) {
        WCHAR key[64] = {0}, val[260] = {0};
        const WCHAR *eq = wcschr(s, L'=');
        if (!eq) return 0;
        wcsncpy(key, s, eq - s < 63 ? eq - s : 63);
        const WCHAR *q = eq + 2, *end = q;
        int k = 0;
        while (*end && *end != L'\'' && k < 259) {
            if (*end == L'\\') {
                if (end[1] != L'\\' && end[1] != L'\'') return -1; /* not an escape WMI knows */
                end++;
            }
            val[k++] = *end++;
        }
        int j = prop(r, key);
        if (j < 0 || !sameKey(r->value[j], val)) return 0;
        s = *end ? end + 1 : end;
        if (*s == L',') s++;
    }
    return 1;
}

static HRESULT WINAPI Invoke(IDispatch *This, DISPID id, REFIID riid, LCID lcid, WORD flags, DISPPARAMS *p, VARIANT *res, EXCEPINFO *e, UINT *argErr) {
    Obj *o = (Obj *)This;
    if (res) VariantInit(res);
    if (id == DISPID_NEWENUM && o->kind == OBJECTSET) {
        Enum *en = calloc(1, sizeof *en);
        en->iface.lpVtbl = &enumVtbl;
        en->ref = 1;
        en->owner = o;
        IDispatch_AddRef(This);
        V_VT(res) = VT_UNKNOWN;
        V_UNKNOWN(res) = (IUnknown *)&en->iface;
        return S_OK;
    }
    if (id >= 100) {
        Row *r = rowOf(o);
        int j = id - 100;
        if (!r || j >= r->n) return DISP_E_MEMBERNOTFOUND;
        if (flags & DISPATCH_PROPERTYPUT) {
            VARIANT v;
            VariantInit(&v);
            if (FAILED(VariantChangeType(&v, &p->rgvarg[0], 0, VT_BSTR))) return DISP_E_TYPEMISMATCH;
            wcsncpy(r->value[j], V_BSTR(&v), VALUELEN - 1);
            VariantClear(&v);
            if (o->kind == CACHEINFO) { load(); rows[o->row] = o->copy; save(); }
            return S_OK;
        }
        if (r->number[j]) { V_VT(res) = VT_I4; V_I4(res) = _wtoi(r->value[j]); }
        else { V_VT(res) = VT_BSTR; V_BSTR(res) = SysAllocString(r->value[j]); }
        return S_OK;
    }
    if (id == 1 && o->kind == LOCATOR) { /* ConnectServer(server, namespace) */
        const WCHAR *ns = argStr(p, 1);
        if (!_wcsicmp(ns, L"root\\sms")) { retObj(res, newObj(PROVIDER)); return S_OK; }
        if (!_wcsnicmp(ns, L"root\\sms\\site_", 14)) { retObj(res, newObj(SITE)); return S_OK; }
        return fail(e, WBEM_E_INVALID_NAMESPACE, L"Invalid namespace ");
    }
    if (id == 2 && o->kind == PROVIDER) { /* ExecQuery on root\sms: SMS_ProviderLocation */
        Obj *set = newObj(OBJECTSET);
        set->nset = 1;
        set->set[0] = -1; /* the provider location */
        retObj(res, set);
        return S_OK;
    }
    if (id == 2 && o->kind == SITE) { /* ExecQuery(wql) */
        const WCHAR *wql = argStr(p, 0);
        const WCHAR *from = wcsstr(wql, L"from ");
        if (!from) from = wcsstr(wql, L"FROM ");
        if (!from) return fail(e, WBEM_E_INVALID_QUERY, L"Invalid query ");
        WCHAR cls[64] = {0};
        swscanf(from + 5, L"%63ls", cls);
        const WCHAR *where = wcsstr(from, L" where ");
        if (!where) where = wcsstr(from, L" WHERE ");
        int image = wcsstr(wql, L"ImageFlags") != NULL;
        load();
        if (image && noImageFlags) return fail(e, WBEM_E_INVALID_QUERY, L"Invalid query ");
        Obj *set = newObj(OBJECTSET);
        wcsncpy(set->setClass, cls, 63);
        for (int i = 0; i < nrows; i++) {
            if (_wcsicmp(rows[i].cls, cls)) continue;
            int j = prop(&rows[i], L"ImageFlags");
            if (image && (j < 0 || _wtoi(rows[i].value[j]) != 1)) continue;
            if (!image && where) {
                int m = whereMatches(&rows[i], where + 7);
                if (m < 0) { IDispatch_Release(&set->iface); return fail(e, WBEM_E_INVALID_QUERY, L"Invalid query "); }
                if (!m) continue;
            }
            set->set[set->nset++] = i;
        }
        retObj(res, set);
        return S_OK;
    }
    if (id == 3 && o->kind == SITE && !wcschr(argStr(p, 0), L'.')) { /* Get(class): the class, for SpawnInstance_ */
        Obj *c = newObj(CLASSOBJ);
        wcsncpy(c->copy.cls, argStr(p, 0), 63);
        retObj(res, c);
        return S_OK;
    }
    if (id == 7 && o->kind == CLASSOBJ) { /* SpawnInstance_ */
        load();
        Obj *obj = newObj(OBJECT);
        wcscpy(obj->copy.cls, o->copy.cls);
        if (!_wcsicmp(o->copy.cls, L"SMS_Collection") && !noLimit) setProp(&obj->copy, L"LimitToCollectionID", L"", 0);
        retObj(res, obj);
        return S_OK;
    }
    if (id == 8 && o->kind == OBJECT) { /* GetObjectText_ */
        WCHAR *buf = calloc(TEXTLEN, sizeof(WCHAR));
        mofText(&o->copy, buf);
        V_VT(res) = VT_BSTR;
        V_BSTR(res) = SysAllocString(buf);
        free(buf);
        return S_OK;
    }
    if (id == 9 && o->kind == OBJECT) { /* AddMembershipRule(rule) */
        VARIANT *arg = p->cArgs ? &p->rgvarg[p->cArgs - 1] : NULL;
        if (!arg || V_VT(arg) != VT_DISPATCH || !V_DISPATCH(arg)) return fail(e, WBEM_E_INVALID_PARAMETER, L"Invalid parameter ");
        load();
        if (denyRule) return failSms(e, WBEM_E_ACCESS_DENIED, L"Access denied ", L"User MTN\\admin2 has no Modify permission on collection", 0x40480015);
        Obj *rule = (Obj *)V_DISPATCH(arg);
        WCHAR *buf = calloc(TEXTLEN, sizeof(WCHAR));
        int j = prop(&rows[o->row], L"~CollectionRules");
        /* {instance of A {...}, instance of B {...}}: the new one before the closing brace */
        if (j >= 0 && wcslen(rows[o->row].value[j]) > 3) {
            wcsncpy(buf, rows[o->row].value[j], VALUELEN - 1);
            buf[wcslen(buf) - 1] = 0;
            cat(buf, L", ");
        } else wcscpy(buf, L"!{");
        WCHAR *one = calloc(TEXTLEN, sizeof(WCHAR));
        Row r = rule->copy;
        wcscpy(r.cls, L"SMS_CollectionRuleQuery");
        mofText(&r, one);
        cat(buf, one);
        cat(buf, L"}");
        setProp(&rows[o->row], L"~CollectionRules", buf, 0);
        o->copy = rows[o->row];
        save();
        free(one);
        free(buf);
        V_VT(res) = VT_I4;
        V_I4(res) = 0;
        return S_OK;
    }
    if (id == 10 && o->kind == OBJECT) { V_VT(res) = VT_I4; V_I4(res) = 0; return S_OK; } /* RequestRefresh */
    if (id == 11 && o->kind == OBJECT) { /* Delete_ */
        load();
        if (denyDelete) return failSms(e, WBEM_E_ACCESS_DENIED, L"Access denied ", L"User MTN\\admin2 has no Delete permission", 0x40480015);
        if (o->row < 0 || o->row >= nrows) return fail(e, WBEM_E_NOT_FOUND, L"Not found ");
        memmove(&rows[o->row], &rows[o->row + 1], (nrows - o->row - 1) * sizeof rows[0]);
        nrows--;
        save();
        FILE *puts = _wfopen(L"C:\\fakeputs.txt", L"a");
        if (puts) { fwprintf(puts, L"-%ls\n", o->copy.cls); fclose(puts); }
        return S_OK;
    }
    if (id == 3 && o->kind == SITE) { /* Get(path) */
        load();
        getCalls++;
        for (int i = 0; i < nrows; i++) {
            int m = matches(&rows[i], argStr(p, 0));
            if (m < 0) return fail(e, WBEM_E_INVALID_OBJECT_PATH, L"Invalid object path ");
            if (!m) continue;
            if (writerAt == getCalls) { /* another admin writes this object right now */
                setProp(&rows[i], writerProp, writerValue, writerNumber);
                save();
            }
            Obj *obj = newObj(OBJECT);
            obj->row = i;
            obj->copy = rows[i];
            retObj(res, obj);
            return S_OK;
        }
        return fail(e, WBEM_E_NOT_FOUND, L"Not found ");
    }
    if (id == 4 && o->kind == OBJECT) { /* Put_ */
        load();
        putCalls++;
        if (denyPut || denyPutAt == putCalls)
            return failSms(e, WBEM_E_ACCESS_DENIED, L"Access denied ", L"User MTN\\admin2 has no Modify permission on the advertisement's collection XXX00010", 0x40480015);
        Obj *path = newObj(OBJECTPATH);
        wcscpy(path->copy.cls, L"SWbemObjectPath");
        if (o->row < 0) { /* a new instance: a row of its own, a collection its ID */
            if (nrows >= MAXROWS) return fail(e, WBEM_E_FAILED, L"Site full ");
            if (!_wcsicmp(o->copy.cls, L"SMS_Collection")) {
                WCHAR id[32], rel[96];
                for (int n = 100;; n++) {
                    int used = 0;
                    swprintf(id, 32, L"MTN%05d", n);
                    for (int i = 0; i < nrows; i++) { int j = prop(&rows[i], L"CollectionID"); if (j >= 0 && !_wcsicmp(rows[i].value[j], id)) used = 1; }
                    if (!used) break;
                }
                setProp(&o->copy, L"CollectionID", id, 0);
                swprintf(rel, 96, L"SMS_Collection.CollectionID=\"%ls\"", id);
                setProp(&path->copy, L"RelPath", rel, 0);
            }
            o->row = nrows++;
        }
        rows[o->row] = o->copy;
        save();
        FILE *puts = _wfopen(L"C:\\fakeputs.txt", L"a");
        if (puts) { fwprintf(puts, L"%ls\n", o->copy.cls); fclose(puts); }
        retObj(res, path); /* SWbemObjectPath: RelPath where the object is new */
        return S_OK;
    }
    if (id == 6 && (o->kind == OBJECT || o->kind == LASTERROR)) { /* Path_: its Class */
        Obj *path = newObj(OBJECTPATH);
        wcscpy(path->copy.cls, L"SWbemObjectPath");
        setProp(&path->copy, L"Class", o->copy.cls, 0);
        retObj(res, path);
        return S_OK;
    }
    if (id == 5 && o->kind == UIRESOURCE) { /* GetCacheInfo */
        load();
        for (int i = 0; i < nrows; i++) {
            if (_wcsicmp(rows[i].cls, L"CacheInfo")) continue;
            Obj *c = newObj(CACHEINFO);
            c->row = i;
            c->copy = rows[i];
            retObj(res, c);
            return S_OK;
        }
        return E_FAIL;
    }
    return DISP_E_MEMBERNOTFOUND;
}

static IDispatchVtbl objVtbl = {QI, AddRef, Release, GetTypeInfoCount, GetTypeInfo, GetIDsOfNames, Invoke};

/* ---- IEnumVARIANT over an object set ---- */
static HRESULT WINAPI EnumQI(IEnumVARIANT *This, REFIID riid, void **out) {
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IEnumVARIANT)) { *out = This; IEnumVARIANT_AddRef(This); return S_OK; }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI EnumAddRef(IEnumVARIANT *This) { return InterlockedIncrement(&((Enum *)This)->ref); }
static ULONG WINAPI EnumRelease(IEnumVARIANT *This) {
    Enum *en = (Enum *)This;
    LONG r = InterlockedDecrement(&en->ref);
    if (!r) { IDispatch_Release(&en->owner->iface); free(en); }
    return r;
}
static HRESULT WINAPI EnumNext(IEnumVARIANT *This, ULONG n, VARIANT *out, ULONG *fetched) {
    Enum *en = (Enum *)This;
    ULONG got = 0;
    while (got < n && en->pos < en->owner->nset) {
        if (failEnumAt && en->pos + 1 == failEnumAt && !_wcsicmp(en->owner->setClass, failEnumClass)) {
            if (fetched) *fetched = got;
            return HRESULT_FROM_WIN32(RPC_S_CALL_FAILED);
        }
        int i = en->owner->set[en->pos++];
        Obj *obj;
        if (i < 0) {
            obj = newObj(PROVIDERLOCATION);
            wcscpy(obj->copy.cls, L"SMS_ProviderLocation");
            obj->copy.n = 2;
            wcscpy(obj->copy.name[0], L"Machine"); wcscpy(obj->copy.value[0], L"SERVER1");
            wcscpy(obj->copy.name[1], L"SiteCode"); wcscpy(obj->copy.value[1], L"MTN");
        } else {
            obj = newObj(OBJECT);
            obj->row = i;
            obj->copy = rows[i];
            dropLazy(&obj->copy);
        }
        retObj(&out[got++], obj);
    }
    if (fetched) *fetched = got;
    return got == n ? S_OK : S_FALSE;
}
static HRESULT WINAPI EnumSkip(IEnumVARIANT *This, ULONG n) { ((Enum *)This)->pos += n; return S_OK; }
static HRESULT WINAPI EnumReset(IEnumVARIANT *This) { ((Enum *)This)->pos = 0; return S_OK; }
static HRESULT WINAPI EnumClone(IEnumVARIANT *This, IEnumVARIANT **out) { return E_NOTIMPL; }
static IEnumVARIANTVtbl enumVtbl = {EnumQI, EnumAddRef, EnumRelease, EnumNext, EnumSkip, EnumReset, EnumClone};

/* ---- class factory ---- */
typedef struct { IClassFactory iface; enum Kind kind; } Factory;
static HRESULT WINAPI FQI(IClassFactory *This, REFIID riid, void **out) {
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) { *out = This; return S_OK; }
    *out = NULL;
    return E_NOINTERFACE;
}
static ULONG WINAPI FAddRef(IClassFactory *This) { return 2; }
static ULONG WINAPI FRelease(IClassFactory *This) { return 1; }
static HRESULT WINAPI FCreate(IClassFactory *This, IUnknown *outer, REFIID riid, void **out) {
    if (((Factory *)This)->kind == LASTERROR) {
        /* no error information: creating the error object fails; reading it resets it */
        if (!haveLastError) { *out = NULL; return WBEM_E_FAILED; }
        haveLastError = 0;
        Obj *err = newObj(LASTERROR);
        err->copy = lastError;
        HRESULT hr = QI(&err->iface, riid, out);
        IDispatch_Release(&err->iface);
        return hr;
    }
    Obj *o = newObj(((Factory *)This)->kind);
    HRESULT hr = QI(&o->iface, riid, out);
    IDispatch_Release(&o->iface);
    return hr;
}
static HRESULT WINAPI FLock(IClassFactory *This, BOOL lock) { return S_OK; }
static IClassFactoryVtbl factoryVtbl = {FQI, FAddRef, FRelease, FCreate, FLock};
static Factory locatorFactory = {{&factoryVtbl}, LOCATOR};
static Factory uiFactory = {{&factoryVtbl}, UIRESOURCE};
static Factory lastErrorFactory = {{&factoryVtbl}, LASTERROR};

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out) {
    if (IsEqualCLSID(clsid, &CLSID_FakeLocator)) return FQI(&locatorFactory.iface, riid, out);
    if (IsEqualCLSID(clsid, &CLSID_FakeUIResource)) return FQI(&uiFactory.iface, riid, out);
    if (IsEqualCLSID(clsid, &CLSID_FakeLastError)) return FQI(&lastErrorFactory.iface, riid, out);
    return CLASS_E_CLASSNOTAVAILABLE;
}
HRESULT WINAPI DllCanUnloadNow(void) { return S_FALSE; }
