#ifndef MEMORY_H
#define MEMORY_H

#include <limits.h>
#include <stddef.h>

/*
 * The freestanding C memory functions. The compiler emits calls to all four
 * on its own (struct copies, zeroed arrays), so the kernel must have them.
 * They follow the C standard's contracts, stated here in ACSL
 * (docs/proofs.md) so that every proved caller relies on the same ones.
 * The contracts read the bytes as char: WP's memory model types a void*
 * as char*, and compares as unsigned char where C says so.
 */

/*@ // The first count bytes of a and b are equal.
    predicate memory_equal{L}(char* a, char* b, integer count) =
        \forall integer i; 0 <= i < count ==> a[i] == b[i];

    // result is what memcmp may return for them: 0 when they are equal;
    // otherwise its sign is that of the first pair of bytes that differs.
    predicate memory_compared{L}(char* a, char* b, integer count, integer result) =
        (result == 0 <==> memory_equal(a, b, count)) &&
        \forall integer k; 0 <= k < count && memory_equal(a, b, k) && a[k] != b[k] ==>
            (result < 0 <==> (unsigned char)a[k] < (unsigned char)b[k]);

    // The char memset stores for c: the bits of (unsigned char)c, read as
    // a (signed) char.
    logic integer memory_byte(integer c) =
        (unsigned char)c <= CHAR_MAX ? (unsigned char)c : (unsigned char)c - (UCHAR_MAX + 1);
*/

/*@ requires \valid((char*)ptr + (0 .. size - 1));
    assigns ((char*)ptr)[0 .. size - 1];
    ensures filled: \forall integer i; 0 <= i < size ==> ((char*)ptr)[i] == memory_byte(c);
    ensures result: \result == ptr;
*/
void* memset(void* ptr, int c, size_t size);

/*@ requires \valid_read((char*)s1 + (0 .. count - 1));
    requires \valid_read((char*)s2 + (0 .. count - 1));
    assigns \nothing;
    ensures compared: memory_compared((char*)s1, (char*)s2, count, \result);
*/
int memcmp(const void* s1, const void* s2, size_t count);

/*@ requires \valid((char*)dest + (0 .. len - 1));
    requires \valid_read((char*)src + (0 .. len - 1));
    requires apart: \separated((char*)dest + (0 .. len - 1), (char*)src + (0 .. len - 1));
    assigns ((char*)dest)[0 .. len - 1] \from ((char*)src)[0 .. len - 1];
    ensures copied: \forall integer i; 0 <= i < len ==>
        ((char*)dest)[i] == \old(((char*)src)[i]);
    ensures result: \result == dest;
*/
void* memcpy(void* dest, const void* src, size_t len);

/*@ requires \valid((char*)dest + (0 .. len - 1));
    requires \valid_read((char*)src + (0 .. len - 1));
    assigns ((char*)dest)[0 .. len - 1] \from ((char*)src)[0 .. len - 1];
    ensures copied: \forall integer i; 0 <= i < len ==>
        ((char*)dest)[i] == \old(((char*)src)[i]);
    ensures result: \result == dest;
*/
void* memmove(void* dest, const void* src, size_t len);

#endif
