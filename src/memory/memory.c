/*
 * memset, memcmp, memcpy and memmove for a kernel with no C library.
 *
 * Each has two ways to do its work, chosen per call:
 *
 * - A loop in C: a machine word at a time once the destination is
 *   aligned, a byte at a time at the ragged ends. Unaligned word loads
 *   from the source are fine on x86; may_alias keeps the word accesses
 *   legal under the C aliasing rules.
 * - For long arrays, a string instruction, on a CPU that says it runs
 *   that instruction fast. Its microcode then moves whole cache lines per
 *   step, without the SSE registers the kernel may not touch (the FPU is
 *   off):
 *   - REP MOVSB and REP STOSB, from STRING_MIN_BYTES up, when CPUID
 *     reports Enhanced REP MOVSB/STOSB (ERMS, CPUID.(EAX=07H,ECX=0):EBX
 *     bit 9; Intel SDM Vol. 1, 7.3.9.3 "Fast-String Operation"; Intel
 *     Optimization Reference Manual, 3.7.6 "Enhanced REP MOVSB and STOSB
 *     Operation"). On long arrays they keep up with glibc's AVX loops.
 *   - REPE CMPSB, from COMPARE_STRING_MIN_BYTES up, when CPUID reports
 *     AMD's Fast Short REPE CMPSB (FSRC, CPUID Fn8000_0021_EAX bit 11;
 *     AMD APM Vol. 3, Appendix E). On the AMD EPYC this was measured on,
 *     it compared 4 KiB and longer at 0.7 to 1 times glibc's AVX-512
 *     speed, twice the word loop's. Intel's fast-string operation
 *     covers MOVS and STOS only.
 *
 * Why not the string instructions always: starting one costs 30 to 100
 * cycles on that EPYC, more than the loop needs for a few hundred bytes.
 * And where the CPU does not report the bit, the instruction can be far
 * slower than the loop: QEMU's TCG, where Vana usually runs on a CPU
 * model (qemu32) that reports neither bit, emulates a REP instruction one
 * element per step, and REP MOVSB copied 4 KiB five times slower there
 * than the word loop. Backward copies never use them: with DF = 1 (STD),
 * REP MOVSB moved 2.5 GB/s on the EPYC, and REP MOVSQ half the word
 * loop's speed.
 *
 * The string instructions count up, from ESI and EDI: they assume DF = 0,
 * which the System V ABI guarantees at every call and the kernel enforces
 * on every entry (src/cpu/isr.asm). They address the destination through
 * ES, which holds the flat data segment in both rings.
 *
 * This file must be built with -ffreestanding (-fno-builtin): otherwise the
 * compiler may recognise a loop here as "memset" and turn it into a call to
 * itself.
 */
#include "memory.h"

#include <stdbool.h>
#include <stdint.h>
#ifndef __FRAMAC__
#include <cpuid.h>   /* Frama-C reads only the C below; see the string instructions' contracts */
#endif

typedef uintptr_t __attribute__((may_alias, aligned(1))) unaligned_word;
typedef uintptr_t __attribute__((may_alias)) word;

#define WORD_SIZE sizeof(uintptr_t)

/*
 * From this many bytes on, a CPU with ERMS uses REP MOVSB and REP STOSB.
 * Measured on x86-64 (8-byte words), REP MOVSB overtakes the word loop
 * between 512 and 768 bytes, and REP STOSB between 512 and 640; that is
 * about 64 word moves, so i386 (4-byte words) switches at 256 bytes.
 */
#define STRING_MIN_BYTES (64 * WORD_SIZE)

/*
 * From this many bytes on, a CPU with FSRC uses REPE CMPSB. It overtook
 * the eight-word loop between 1 and 2 KiB on x86-64; scaled by the word
 * size the same way, i386 switches at 1 KiB.
 */
#define COMPARE_STRING_MIN_BYTES (256 * WORD_SIZE)

/*
 * The string instructions, each behind a function that first asks the CPU
 * whether it runs that instruction fast. Frama-C cannot read inline
 * assembly or CPUID: it sees only these declarations, whose contracts
 * say what the instruction does (Intel SDM Vol. 2B, REP, STOS, MOVS,
 * CMPS, with DF = 0) and are assumed, not proved (docs/proofs.md).
 */

/*@ requires \valid(p + (0 .. size - 1));
    assigns p[0 .. size - 1];
    ensures assumed_stosb_fills: \result != 0 ==> \forall integer i; 0 <= i < size ==> p[i] == byte;
    ensures assumed_stosb_or_nothing: \result == 0 ==> \forall integer i; 0 <= i < size ==> p[i] == \old(p[i]);
*/
static bool fill_with_stosb(unsigned char* p, unsigned char byte, size_t size);

/*@ requires \valid(d + (0 .. len - 1)) && \valid_read(s + (0 .. len - 1));
    requires \separated(d + (0 .. len - 1), s + (0 .. len - 1)) || d <= s;
    assigns d[0 .. len - 1] \from s[0 .. len - 1];
    ensures assumed_movsb_copies: \result != 0 ==> \forall integer i; 0 <= i < len ==> d[i] == \old(s[i]);
    ensures assumed_movsb_or_nothing: \result == 0 ==> \forall integer i; 0 <= i < len ==> d[i] == \old(d[i]);
*/
static bool copy_with_movsb(unsigned char* d, const unsigned char* s, size_t len);

/*@ requires \valid_read(a + (0 .. count - 1)) && \valid_read(b + (0 .. count - 1)) && \valid(result);
    requires count >= 1;
    assigns *result \from a[0 .. count - 1], b[0 .. count - 1];
    ensures assumed_cmpsb_or_nothing: \result == 0 || \result == 1;
    ensures assumed_cmpsb_compares: \result != 0 ==> memory_compared((char*)a, (char*)b, count, *result);
*/
static bool compare_with_cmpsb(const unsigned char* a, const unsigned char* b, size_t count, int* result);

#ifndef __FRAMAC__
#define CPUID_FSRC (1u << 11) /* CPUID Fn8000_0021_EAX: Fast Short REPE CMPSB */

enum cpu_feature {
    FAST_MOVSB_STOSB = 1 << 0, /* ERMS */
    FAST_CMPSB = 1 << 1,       /* FSRC */
    FEATURES_NOT_READ = 1 << 2,
};

/*
 * What CPUID says about the string instructions. <cpuid.h> checks that
 * each leaf exists and, on i386, that CPUID does.
 */
__attribute__((noinline, cold)) static unsigned read_cpu_features(void)
{
    unsigned features = 0;
    unsigned int eax, ebx, ecx, edx;

    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & bit_ENH_MOVSB))
        features |= FAST_MOVSB_STOSB;
    if (__get_cpuid(0x80000021, &eax, &ebx, &ecx, &edx) && (eax & CPUID_FSRC))
        features |= FAST_CMPSB;
    return features;
}

/*
 * Read once: CPUID is unprivileged but slow, and in a virtual machine it
 * exits to the hypervisor. Two racing callers both read it, and agree.
 */
static bool cpu_has(enum cpu_feature feature)
{
    /*
     * Initialised, so it lives in .data: a flat binary (user programs link
     * this file) is its own image, with no .bss mapped beyond it.
     */
    static unsigned features = FEATURES_NOT_READ;

    if (features & FEATURES_NOT_READ)
        features = read_cpu_features();
    return (features & feature) != 0;
}

/*
 * REP STOSB over [p, p + size) if the CPU has ERMS; returns whether it
 * did. It stores byte at p, p + 1, ..., as a byte loop would.
 */
static bool fill_with_stosb(unsigned char* p, unsigned char byte, size_t size)
{
    if (!cpu_has(FAST_MOVSB_STOSB))
        return false;
    __asm__ volatile("rep stosb" : "+D"(p), "+c"(size) : "a"(byte) : "memory");
    return true;
}

/*
 * REP MOVSB from s to d if the CPU has ERMS; returns whether it did.
 * However the CPU moves the data, the result is that of copying one byte
 * at a time from the lowest (Intel SDM Vol. 2B, REP and MOVS), which
 * reads each source byte before the copy overwrites it when d <= s.
 */
static bool copy_with_movsb(unsigned char* d, const unsigned char* s, size_t len)
{
    if (!cpu_has(FAST_MOVSB_STOSB))
        return false;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(len) : : "memory");
    return true;
}

/*
 * REPE CMPSB over count >= 1 pairs if the CPU has FSRC; returns whether
 * it did, with memcmp's result in *result.
 */
static bool compare_with_cmpsb(const unsigned char* a, const unsigned char* b, size_t count, int* result)
{
    if (!cpu_has(FAST_CMPSB))
        return false;
    __asm__ volatile("repe cmpsb" : "+S"(a), "+D"(b), "+c"(count) : : "memory", "cc");
    /* It stops just past the first pair that differs, or past the last pair. */
    *result = a[-1] == b[-1] ? 0 : a[-1] < b[-1] ? -1 : 1;
    return true;
}
#endif

static uintptr_t load_word(const unsigned char* p)
{
    return *(const unaligned_word*)p;
}

/**
 * memset - fill memory with a byte
 * @ptr: the first byte to fill
 * @c: the value, converted to unsigned char
 * @size: how many bytes to fill
 *
 * Writes exactly the bytes [ptr, ptr + size).
 * Return: ptr.
 * Context: any; DF must be 0 (the ABI's rule at every call).
 */
void* memset(void* ptr, int c, size_t size)
{
    unsigned char* p = ptr;
    unsigned char byte = (unsigned char)c;

    if (size >= STRING_MIN_BYTES && fill_with_stosb(p, byte, size))
        return ptr;
    while (size > 0 && (uintptr_t)p % WORD_SIZE != 0) {
        *p++ = byte;
        size--;
    }
    /* Multiplying by 0x0101... copies the byte into every byte of the word. */
    uintptr_t pattern = byte * (UINTPTR_MAX / 0xFF);
    for (; size >= WORD_SIZE; size -= WORD_SIZE, p += WORD_SIZE)
        *(word*)p = pattern;
    while (size-- > 0)
        *p++ = byte;
    return ptr;
}

/*
 * The sign of memcmp for two words that differ. x86 is little-endian, so
 * the lowest set bit of x ^ y lies in the first byte that differs.
 */
static int compare_words(uintptr_t x, uintptr_t y)
{
    unsigned shift = (unsigned)__builtin_ctzl(x ^ y) / 8 * 8;
    return (unsigned char)(x >> shift) < (unsigned char)(y >> shift) ? -1 : 1;
}

/**
 * memcmp - compare two byte arrays
 * @s1: the first array
 * @s2: the second array
 * @count: how many bytes to compare
 *
 * Bytes compare as unsigned char; the first pair that differs decides.
 * Return: 0 if the arrays are equal, a negative value if s1 sorts first,
 * a positive value if s2 does.
 * Context: any; DF must be 0 (the ABI's rule at every call).
 */
int memcmp(const void* s1, const void* s2, size_t count)
{
    const unsigned char* a = s1;
    const unsigned char* b = s2;

    int result;
    if (count >= COMPARE_STRING_MIN_BYTES && compare_with_cmpsb(a, b, count, &result))
        return result;
    /*
     * Eight words per branch: XOR is zero where two words match, and OR
     * gathers the eight. On the EPYC this compared about 15 bytes per
     * cycle in the L1 cache, near its limit of four loads per cycle; one
     * word per branch managed half that.
     */
    for (; count >= 8 * WORD_SIZE; count -= 8 * WORD_SIZE, a += 8 * WORD_SIZE, b += 8 * WORD_SIZE) {
        uintptr_t differ = 0;
        for (size_t i = 0; i < 8 * WORD_SIZE; i += WORD_SIZE)
            differ |= load_word(a + i) ^ load_word(b + i);
        if (differ != 0)
            break;
    }
    for (; count >= WORD_SIZE; count -= WORD_SIZE, a += WORD_SIZE, b += WORD_SIZE) {
        uintptr_t x = load_word(a), y = load_word(b);
        if (x != y)
            return compare_words(x, y);
    }
    for (; count > 0; count--, a++, b++) {
        if (*a != *b)
            return *a < *b ? -1 : 1;
    }
    return 0;
}

/* Copy forward; correct for overlap only when dest is below src, as is REP MOVSB. */
static void copy_forward(unsigned char* d, const unsigned char* s, size_t len)
{
    if (len >= STRING_MIN_BYTES && copy_with_movsb(d, s, len))
        return;
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *d++ = *s++;
        len--;
    }
    for (; len >= WORD_SIZE; len -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
        *(word*)d = load_word(s);
    while (len-- > 0)
        *d++ = *s++;
}

/* Copy backward from the ends; correct for overlap when dest is above src. */
static void copy_backward(unsigned char* d, const unsigned char* s, size_t len)
{
    d += len;
    s += len;
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *--d = *--s;
        len--;
    }
    for (; len >= WORD_SIZE; len -= WORD_SIZE) {
        d -= WORD_SIZE;
        s -= WORD_SIZE;
        *(word*)d = load_word(s);
    }
    while (len-- > 0)
        *--d = *--s;
}

/**
 * memcpy - copy bytes between arrays that do not overlap
 * @dest: where to copy to
 * @src: where to copy from
 * @len: how many bytes to copy
 *
 * Writes exactly the bytes [dest, dest + len). For arrays that overlap,
 * use memmove.
 * Return: dest.
 * Context: any; DF must be 0 (the ABI's rule at every call).
 */
void* memcpy(void* dest, const void* src, size_t len)
{
    copy_forward(dest, src, len);
    return dest;
}

/**
 * memmove - copy bytes between arrays that may overlap
 * @dest: where to copy to
 * @src: where to copy from
 * @len: how many bytes to copy
 *
 * dest ends up holding what src held before the call. When dest is below
 * src, or the arrays are apart, this copies forward as fast as memcpy;
 * when dest lies inside (src, src + len), it copies backward, from the
 * ends, with the word loop.
 * Return: dest.
 * Context: any; DF must be 0 (the ABI's rule at every call).
 */
void* memmove(void* dest, const void* src, size_t len)
{
    /* A forward copy is safe unless dest starts inside [src, src + len). */
    if ((uintptr_t)dest - (uintptr_t)src >= len)
        copy_forward(dest, src, len);
    else
        copy_backward(dest, src, len);
    return dest;
}
