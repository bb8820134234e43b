#ifndef HEAP_BITS_H
#define HEAP_BITS_H

#include <stdint.h>

#include "heap.h"   /* heap_bit, which the lemmas below are about */

/*
 * The three machine operations the heap's index is built on: the
 * lowest set bit of a word (BSF or TZCNT), its highest (BSR or LZCNT),
 * and a load of eight bytes as one little-endian word. Each is a compiler
 * builtin that becomes one instruction; Frama-C does not see their bodies
 * and takes the contracts below as given (docs/proofs.md, "What is
 * assumed"), said in bits and bytes.
 */

/*@ requires x != 0;
    assigns \nothing;
    ensures assumed_lowest_in_word: 0 <= \result < 64;
    ensures assumed_lowest_is_set: ((x >> \result) & 1) == 1;
    ensures assumed_lowest_below_clear: \forall integer k; 0 <= k < \result ==> ((x >> k) & 1) == 0;
*/
static inline unsigned lowest_set_bit(uint64_t x);

/*@ requires x != 0;
    assigns \nothing;
    ensures assumed_leading_in_word: 0 <= \result < 64;
    ensures assumed_leading_then_set: ((x >> (63 - \result)) & 1) == 1;
    ensures assumed_leading_above_clear: \forall integer k; 63 - \result < k < 64 ==> ((x >> k) & 1) == 0;
*/
static inline unsigned leading_zero_bits(uint64_t x);

/*
 * A set bit of a non-zero word, for proofs only: ghost code, which the
 * compiler never sees. WP's provers are not given that a word whose bits
 * are all clear is 0 (Why3's lemma is_uint64_ext is for Coq), so they
 * cannot find a bit of x from x != 0 alone; lowest_set_bit's contract says
 * the same of the same words (docs/proofs.md, "What is assumed").
 */
/*@ ghost
    /@ requires x != 0;
       assigns \nothing;
       ensures assumed_nonzero_has_bit: 0 <= \result < 64 && ((x >> \result) & 1) == 1;
    @/
    static unsigned some_set_bit(uint64_t x);
*/

/*@ // Byte k of eight (bits 8k to 8k + 7) is bytes[k], taken as unsigned,
    // for k from 0 to 7. A predicate, so that a caller that passes the
    // same bytes on to a function requiring this meets it as one term.
    predicate heap_loaded{L}(integer eight, int8_t* bytes) =
        \forall integer k; 0 <= k < 8 ==> ((eight >> (8 * k)) & 0xFF) == (bytes[k] & 0xFF);
*/
/*@ requires \valid_read(bytes + (0 .. 7));
    assigns \nothing;
    ensures assumed_little_endian: heap_loaded(\result, bytes);
*/
static inline uint64_t load_eight(const int8_t* bytes);

/*@ // Block b is bit b % 64 of word b / 64 (first, before the lemmas on
    // bits below are there to distract the provers).
    lemma heap_block_split: \forall integer b; 0 <= b ==>
        b == b / 64 * 64 + b % 64 && 0 <= b / 64 && 0 <= b % 64 < 64;
*/

/*@ // The bits of what the index computes, each lemma a goal of its own
    // (docs/proofs.md, "The index's bits"). The provers are given WP's bit
    // library as axioms on unbounded integers, which they cannot chain by
    // themselves to a shifted mask; these lemmas take one step each, and
    // the contracts cite heap_bit only. The bits of the two constants are
    // proved by cases on k (WP's Range tactic, scripts/wp-session), since
    // no prover computes a constant's bit k for an unknown k. (Those two
    // spell heap_bit out, so that WP's simplifier computes each case.)
    lemma heap_bit_all_ones: \forall integer k; 0 <= k < 64 ==> ((UINT64_MAX >> k) & 1) == 1;
    lemma heap_bit_zero: \forall integer k; 0 <= k < 64 ==> ((0 >> k) & 1) == 0;
    lemma heap_bit_above: \forall uint64_t x; \forall integer k; 64 <= k ==> !heap_bit(x, k);
    lemma heap_bit_or: \forall integer x, y, k; 0 <= k ==>
        (heap_bit(x | y, k) <==> (heap_bit(x, k) || heap_bit(y, k)));
    lemma heap_bit_and: \forall integer x, y, k; 0 <= k ==>
        (heap_bit(x & y, k) <==> (heap_bit(x, k) && heap_bit(y, k)));
    lemma heap_bit_not: \forall integer x, k; 0 <= k < 64 ==>
        (heap_bit((uint64_t)~x, k) <==> !heap_bit(x, k));
    lemma heap_bit_shift_right: \forall integer x, n, k; 0 <= n && 0 <= k ==>
        (heap_bit(x >> n, k) <==> heap_bit(x, k + n));
    lemma heap_bit_shift_left: \forall integer x, n, k; 0 <= n < 64 && 0 <= k < 64 ==>
        (heap_bit((uint64_t)(x << n), k) <==> (n <= k && heap_bit(x, k - n)));
*/

#ifndef __FRAMAC__
static inline unsigned lowest_set_bit(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

static inline unsigned leading_zero_bits(uint64_t x)
{
    return (unsigned)__builtin_clzll(x);
}

/* One load, in the kernel too: memcpy of a constant 8 is a mov, and legal C whatever the bytes' type. */
static inline uint64_t load_eight(const int8_t* bytes)
{
    uint64_t eight;
    __builtin_memcpy(&eight, bytes, sizeof(eight));
    return eight;
}
#endif

#endif
