/*
 * yomi: a reading (読み) of Japanese text for an engine that reads kana only (espeak-ng's
 * Japanese voice). Kana, digits and punctuation pass; words written with kanji are looked
 * up in a dictionary (assets/speech/yomi-ja.txt: `漢字 = かな` a line, longest match first)
 * that holds the words of the kiosk's own prompts and of disaster notices; a kanji the
 * dictionary does not know is never spelled out as "Chinese letter" and is counted, so tests
 * can prove the kiosk's own prompts are read whole. Nor is its sentence (up to 。！？ or a
 * line's end) said as fragments ("場所は 横須賀市 です" was "ばしょは し です", a wrong
 * place): it becomes its topic when read whole and "がめんで たしかめてください。"
 * ("ばしょは がめんで たしかめてください。"), said once a text; later such sentences are
 * left out whole. Times
 * "9:12" become "9じ 12ふん", the emergency number 119 "いちいちきゅう", a day "11日"
 * "11にち". Full-width digits (レベル４, ４日) are read as ASCII ones (espeak-ng says nothing
 * for them), and dictionary words may start with kana or digits (レベル4 = れべるよん).
 */
#ifndef YOMI_H
#define YOMI_H

#include <stdbool.h>
#include <stddef.h>

#define YOMI_FILE_MAX  (256 * 1024)
#define YOMI_WORDS_MAX 4096

struct yomi;

/* Loads the dictionary file; NULL with the file, the line and what was wrong in err. */
struct yomi *yomi_load(const char *path, char *err, size_t errsize);
void yomi_destroy(struct yomi *y);

/* The reading of text into buf (always NUL-terminated). Returns the number of kanji the
 * dictionary does not know (their sentences are not read, see above). */
int yomi_read(const struct yomi *y, const char *text, char *buf, size_t size);

#endif
