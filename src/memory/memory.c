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
 * The contracts in memory.h are proved for this file (scripts/prove.sh,
 * docs/proofs.md). The string instructions, the word accesses and the
 * comparison of two addresses are what the prover cannot read: each sits
 * in a small function whose contract, in bytes, is assumed; the loops
 * around them are proved.
 *
 * This file must be built with -ffreestanding (-fno-builtin): otherwise the
 * compiler may recognise a loop here as "memset" and turn it into a call to
 * itself.
 */
#include "memory.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#ifndef __FRAMAC__
#include <cpuid.h>   /* Frama-C reads only the C below; see the assumed contracts */
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

/*@ // q points to one of the count bytes from p on. (A contract that
    // quantifies over the bytes q, rather than over indices i of p[i],
    // lets the provers match it against any byte a caller asks about.)
    predicate memory_within(char* q, char* p, integer count) =
        \base_addr(q) == \base_addr(p) && p <= q < p + count;
*/

/*
 * What the proof takes on trust (docs/proofs.md, "What is assumed"). Frama-C
 * sees only these declarations; their bodies, below, are out of its view.
 * Each contract says what the machine does with the body, in bytes, and its
 * ensures are named assumed_*.
 *
 * The string instructions: each function first asks the CPU whether it
 * runs the instruction fast. Frama-C cannot read inline assembly or CPUID;
 * the contracts state what the instruction does (Intel SDM Vol. 2B, REP,
 * STOS, MOVS, CMPS, with DF = 0).
 */

/*@ requires \valid(p + (0 .. size - 1));
    assigns p[0 .. size - 1];
    ensures assumed_stosb_fills: \result != 0 ==> \forall integer i; 0 <= i < size ==> p[i] == byte;
    ensures assumed_stosb_or_nothing: \result == 0 ==> \forall char* q; memory_within(q, p, size) ==> *q == \old(*q);
*/
static bool fill_with_stosb(char* p, char byte, size_t size);

/*@ requires \valid(d + (0 .. len - 1)) && \valid_read(s + (0 .. len - 1));
    requires \separated(d + (0 .. len - 1), s + (0 .. len - 1)) || d <= s;
    assigns d[0 .. len - 1] \from s[0 .. len - 1];
    ensures assumed_movsb_copies: \result != 0 ==> \forall integer i; 0 <= i < len ==> d[i] == \old(s[i]);
    ensures assumed_movsb_or_nothing: \result == 0 ==> \forall char* q; memory_within(q, d, len) ==> *q == \old(*q);
*/
static bool copy_with_movsb(char* d, const char* s, size_t len);

/*@ requires \valid_read(a + (0 .. count - 1)) && \valid_read(b + (0 .. count - 1)) && \valid(result);
    requires count >= 1;
    assigns *result \from a[0 .. count - 1], b[0 .. count - 1];
    ensures assumed_cmpsb_or_nothing: \result == 0 || \result == 1;
    ensures assumed_cmpsb_compares: \result != 0 ==> memory_compared((char*)a, (char*)b, count, *result);
*/
static bool compare_with_cmpsb(const char* a, const char* b, size_t count, int* result);

/*
 * The word accesses. WP's memory model keeps memory written as a word
 * apart from the same memory read as bytes, so it cannot follow a word
 * store into the bytes under it. These contracts say it in bytes: x86 is
 * little-endian and stores or loads the word's bytes at p, p + 1, ...;
 * may_alias makes the access legal C whatever the bytes' type.
 */

/*@ requires \valid(p + (0 .. WORD_SIZE - 1));
    assigns p[0 .. WORD_SIZE - 1];
    ensures assumed_word_fills: \forall char* q; memory_within(q, p, WORD_SIZE) ==> *q == byte;
*/
static void fill_word(char* p, char byte);

/*@ requires \valid(d + (0 .. WORD_SIZE - 1)) && \valid_read(s + (0 .. WORD_SIZE - 1));
    assigns d[0 .. WORD_SIZE - 1] \from s[0 .. WORD_SIZE - 1];
    ensures assumed_word_copies: \forall char* q; memory_within(q, d, WORD_SIZE) ==> *q == \old(s[q - d]);
*/
static void copy_word(char* d, const char* s);

/*@ requires \valid_read(a + (0 .. WORD_SIZE - 1)) && \valid_read(b + (0 .. WORD_SIZE - 1));
    assigns \nothing;
    ensures assumed_word_differs: \result == 0 <==>
        \forall char* q; memory_within(q, (char*)a, WORD_SIZE) ==> *q == b[q - a];
*/
static uintptr_t word_difference(const char* a, const char* b);

/*
 * Whether dest lies outside [src, src + len), by address. WP's model gives
 * a pointer's integer value no order, so the contract says what it means in
 * the flat address space (one segment from 0, as Vana's are): a forward
 * copy is safe, or a backward one is (the destination starts at or above
 * the source).
 */

/*@ assigns \nothing;
    ensures assumed_forward_is_safe: \result != 0 ==>
        \separated(d + (0 .. len - 1), s + (0 .. len - 1)) || d <= s;
    ensures assumed_backward_is_safe: \result == 0 ==>
        \separated(d + (0 .. len - 1), s + (0 .. len - 1)) || s <= d;
*/
static bool forward_copy_is_safe(const char* d, const char* s, size_t len);

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
static bool fill_with_stosb(char* p, char byte, size_t size)
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
static bool copy_with_movsb(char* d, const char* s, size_t len)
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
static bool compare_with_cmpsb(const char* a, const char* b, size_t count, int* result)
{
    if (!cpu_has(FAST_CMPSB))
        return false;
    __asm__ volatile("repe cmpsb" : "+S"(a), "+D"(b), "+c"(count) : : "memory", "cc");
    /* It stops just past the first pair that differs, or past the last pair. */
    unsigned char x = (unsigned char)a[-1], y = (unsigned char)b[-1];
    *result = x == y ? 0 : x < y ? -1 : 1;
    return true;
}

/*
 * p is aligned by the loop before. Multiplying by 0x0101... copies the
 * byte into every byte of the word.
 */
static void fill_word(char* p, char byte)
{
    *(word*)p = (unsigned char)byte * (UINTPTR_MAX / 0xFF);
}

/* The destination is aligned; the source need not be (x86 allows it). */
static void copy_word(char* d, const char* s)
{
    *(word*)d = *(const unaligned_word*)s;
}

/* XOR is zero exactly where the two words' bits agree. */
static uintptr_t word_difference(const char* a, const char* b)
{
    return *(const unaligned_word*)a ^ *(const unaligned_word*)b;
}

/* dest - src wraps around unless dest >= src, so one comparison covers both sides. */
static bool forward_copy_is_safe(const char* d, const char* s, size_t len)
{
    return (uintptr_t)d - (uintptr_t)s >= len;
}
#endif

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
    char* p = ptr;
    /* memory_byte(c): (unsigned char)c as a char, with no conversion that overflows */
    unsigned char value = (unsigned char)c;
    char byte = value <= CHAR_MAX ? (char)value : (char)(value - (UCHAR_MAX + 1));

    if (size >= STRING_MIN_BYTES && fill_with_stosb(p, byte, size))
        return ptr;
    /*@ loop invariant size <= \at(size, Pre) && p == (char*)ptr + (\at(size, Pre) - size);
        loop invariant filled: \forall integer i; 0 <= i < \at(size, Pre) - size ==> ((char*)ptr)[i] == byte;
        loop assigns p, size, ((char*)ptr)[0 .. \at(size, Pre) - 1];
        loop variant size;
    */
    while (size > 0 && (uintptr_t)p % WORD_SIZE != 0) {
        *p++ = byte;
        size--;
    }
    /*@ loop invariant size <= \at(size, Pre) && p == (char*)ptr + (\at(size, Pre) - size);
        loop invariant filled: \forall integer i; 0 <= i < \at(size, Pre) - size ==> ((char*)ptr)[i] == byte;
        loop assigns p, size, ((char*)ptr)[0 .. \at(size, Pre) - 1];
        loop variant size;
    */
    for (; size >= WORD_SIZE; size -= WORD_SIZE, p += WORD_SIZE)
        fill_word(p, byte);
    /*@ loop invariant size <= \at(size, Pre) && p == (char*)ptr + (\at(size, Pre) - size);
        loop invariant filled: \forall integer i; 0 <= i < \at(size, Pre) - size ==> ((char*)ptr)[i] == byte;
        loop assigns p, size, ((char*)ptr)[0 .. \at(size, Pre) - 1];
        loop variant size;
    */
    for (; size > 0; size--)
        *p++ = byte;
    return ptr;
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
    const char* a = s1;
    const char* b = s2;

    int result;
    if (count >= COMPARE_STRING_MIN_BYTES && compare_with_cmpsb(a, b, count, &result))
        return result;
    /*
     * Eight words per branch: XOR is zero where two words match, and OR
     * gathers the eight. On the EPYC this compared about 15 bytes per
     * cycle in the L1 cache, near its limit of four loads per cycle; one
     * word per branch managed half that. Words that differ leave the
     * first differing byte to the byte loop, at most a word away.
     */
    /*@ loop invariant count <= \at(count, Pre);
        loop invariant a == (char*)s1 + (\at(count, Pre) - count) && b == (char*)s2 + (\at(count, Pre) - count);
        loop invariant equal: memory_equal((char*)s1, (char*)s2, \at(count, Pre) - count);
        loop assigns a, b, count;
        loop variant count;
    */
    for (; count >= 8 * WORD_SIZE; count -= 8 * WORD_SIZE, a += 8 * WORD_SIZE, b += 8 * WORD_SIZE) {
        uintptr_t differ = 0;
        /*@ loop invariant 0 <= i <= 8;
            loop invariant equal: differ == 0 ==>
                memory_equal((char*)s1, (char*)s2, \at(count, Pre) - count + i * WORD_SIZE);
            loop assigns i, differ;
            loop variant 8 - i;
        */
        for (size_t i = 0; i < 8; i++)
            differ |= word_difference(a + i * WORD_SIZE, b + i * WORD_SIZE);
        if (differ != 0)
            break;
    }
    /*@ loop invariant count <= \at(count, Pre);
        loop invariant a == (char*)s1 + (\at(count, Pre) - count) && b == (char*)s2 + (\at(count, Pre) - count);
        loop invariant equal: memory_equal((char*)s1, (char*)s2, \at(count, Pre) - count);
        loop assigns a, b, count;
        loop variant count;
    */
    for (; count >= WORD_SIZE; count -= WORD_SIZE, a += WORD_SIZE, b += WORD_SIZE) {
        if (word_difference(a, b) != 0)
            break;
    }
    /*@ loop invariant count <= \at(count, Pre);
        loop invariant a == (char*)s1 + (\at(count, Pre) - count) && b == (char*)s2 + (\at(count, Pre) - count);
        loop invariant equal: memory_equal((char*)s1, (char*)s2, \at(count, Pre) - count);
        loop assigns a, b, count;
        loop variant count;
    */
    for (; count > 0; count--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
    }
    return 0;
}

/*@ // d[from, to) at label Here holds what s[from, to) held at label Old.
    predicate copied{Here, Old}(char* d, char* s, integer from, integer to) =
        \forall integer i; from <= i < to ==> \at(d[i], Here) == \at(s[i], Old);
*/

/*
 * Copy forward; correct for overlap only when dest is below src, as is
 * REP MOVSB: each step reads source bytes before it overwrites them.
 */
/*@ requires \valid(dest + (0 .. len - 1)) && \valid_read(src + (0 .. len - 1));
    requires \separated(dest + (0 .. len - 1), src + (0 .. len - 1)) || dest <= src;
    assigns dest[0 .. len - 1] \from src[0 .. len - 1];
    ensures copied: copied{Post, Pre}(dest, (char*)src, 0, len);
*/
static void copy_forward(char* dest, const char* src, size_t len)
{
    char* d = dest;
    const char* s = src;

    if (len >= STRING_MIN_BYTES && copy_with_movsb(d, s, len))
        return;
    /*@ loop invariant len <= \at(len, Pre);
        loop invariant d == dest + (\at(len, Pre) - len) && s == src + (\at(len, Pre) - len);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, 0, \at(len, Pre) - len);
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, \at(len, Pre) - len, \at(len, Pre));
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *d++ = *s++;
        len--;
    }
    /*@ loop invariant len <= \at(len, Pre);
        loop invariant d == dest + (\at(len, Pre) - len) && s == src + (\at(len, Pre) - len);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, 0, \at(len, Pre) - len);
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, \at(len, Pre) - len, \at(len, Pre));
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    for (; len >= WORD_SIZE; len -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
        copy_word(d, s);
    /*@ loop invariant len <= \at(len, Pre);
        loop invariant d == dest + (\at(len, Pre) - len) && s == src + (\at(len, Pre) - len);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, 0, \at(len, Pre) - len);
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, \at(len, Pre) - len, \at(len, Pre));
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    for (; len > 0; len--)
        *d++ = *s++;
}

/*
 * Copy backward from the ends; correct for overlap when dest is not below src:
 * each step reads source bytes before it overwrites them.
 */
/*@ requires \valid(dest + (0 .. len - 1)) && \valid_read(src + (0 .. len - 1));
    requires \separated(dest + (0 .. len - 1), src + (0 .. len - 1)) || src <= dest;
    assigns dest[0 .. len - 1] \from src[0 .. len - 1];
    ensures copied: copied{Post, Pre}(dest, (char*)src, 0, len);
*/
static void copy_backward(char* dest, const char* src, size_t len)
{
    char* d = dest + len;
    const char* s = src + len;

    /*@ loop invariant d == dest + len && s == src + len && len <= \at(len, Pre);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, len, \at(len, Pre));
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, 0, len);
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    while (len > 0 && (uintptr_t)d % WORD_SIZE != 0) {
        *--d = *--s;
        len--;
    }
    /*@ loop invariant d == dest + len && s == src + len && len <= \at(len, Pre);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, len, \at(len, Pre));
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, 0, len);
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    for (; len >= WORD_SIZE; len -= WORD_SIZE) {
        d -= WORD_SIZE;
        s -= WORD_SIZE;
        copy_word(d, s);
    }
    /*@ loop invariant d == dest + len && s == src + len && len <= \at(len, Pre);
        loop invariant copied: copied{Here, Pre}(dest, (char*)src, len, \at(len, Pre));
        loop invariant source_left: copied{Here, Pre}((char*)src, (char*)src, 0, len);
        loop assigns d, s, len, dest[0 .. \at(len, Pre) - 1];
        loop variant len;
    */
    for (; len > 0; len--)
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
    if (forward_copy_is_safe(dest, src, len))
        copy_forward(dest, src, len);
    else
        copy_backward(dest, src, len);
    return dest;
}
