// ncursesw (Debian's libncurses-dev) with the wide-character API enabled.
// Several curses entry points are macros, so they are wrapped as inline
// functions that Swift can call.
#ifndef LEPTON_CNCURSES_SHIM_H
#define LEPTON_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline int lepton_color_pair(int pair) { return (int)COLOR_PAIR(pair); }
static inline int lepton_screen_width(WINDOW *window) { return getmaxx(window); }
static inline int lepton_screen_height(WINDOW *window) { return getmaxy(window); }
static inline WINDOW *lepton_stdscr(void) { return stdscr; }
static inline int lepton_colors(void) { return COLORS; }
static inline int lepton_color_pairs(void) { return COLOR_PAIRS; }
static inline int lepton_key_resize(void) { return KEY_RESIZE; }
static inline attr_t lepton_attr_bold(void) { return A_BOLD; }
static inline attr_t lepton_attr_reverse(void) { return A_REVERSE; }
static inline attr_t lepton_attr_dim(void) { return A_DIM; }
static inline attr_t lepton_attr_normal(void) { return A_NORMAL; }
static inline attr_t lepton_attr_underline(void) { return A_UNDERLINE; }

// Key codes that are macros in curses.h.
static inline int lepton_key_code_yes(void) { return KEY_CODE_YES; }
static inline int lepton_key_btab(void) { return KEY_BTAB; }
static inline int lepton_key_up(void) { return KEY_UP; }
static inline int lepton_key_down(void) { return KEY_DOWN; }
static inline int lepton_key_left(void) { return KEY_LEFT; }
static inline int lepton_key_right(void) { return KEY_RIGHT; }
static inline int lepton_key_page_up(void) { return KEY_PPAGE; }
static inline int lepton_key_page_down(void) { return KEY_NPAGE; }
static inline int lepton_key_shift_left(void) { return KEY_SLEFT; }
static inline int lepton_key_shift_right(void) { return KEY_SRIGHT; }
static inline int lepton_key_backspace(void) { return KEY_BACKSPACE; }
static inline int lepton_key_enter(void) { return KEY_ENTER; }

// Opens a screen on the process's standard output and input. The C standard
// streams are mutable globals, which Swift 6 rejects, so they are named here.
// Returns NULL when the terminal cannot be initialised; unlike initscr, newterm
// does not exit the process on failure.
static inline SCREEN *lepton_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }

// Opens a screen that draws on standard output and reads keys from `input`, such
// as the controlling terminal /dev/tty when standard input carries data.
static inline SCREEN *lepton_newterm_input(FILE *input) { return newterm(NULL, stdout, input); }

// Returns the name of the current LC_CTYPE character encoding, such as "UTF-8".
static inline const char *lepton_codeset(void) { return nl_langinfo(CODESET); }

// Columns that a wide character occupies, or -1 for a non-printable one. glibc
// declares wcwidth only under _XOPEN_SOURCE, which the Glibc module may not have
// been built with, so the prototype is repeated here.
int wcwidth(wchar_t c);
static inline int lepton_wcwidth(wchar_t c) { return wcwidth(c); }

// Fills `cell` with up to CCHARW_MAX - 1 wide characters (one spacing character
// and its combining marks), an attribute set and a colour pair. Returns ERR
// when setcchar rejects the text.
static inline int lepton_set_cell(cchar_t *cell, const wchar_t *text, attr_t attributes,
                                  int pair) {
  return setcchar(cell, text, attributes, (NCURSES_PAIRS_T)pair, NULL);
}

// Writes `count` cells at (row, column) without moving the cursor or wrapping,
// so the bottom-right cell can be written without scrolling.
static inline int lepton_put_cells(WINDOW *window, int row, int column, const cchar_t *cells,
                                   int count) {
  return mvwadd_wchnstr(window, row, column, cells, count);
}

// Reads one key or character. Returns OK for a character, KEY_CODE_YES for a
// function key (both stored in `key`) and ERR when the timeout expires.
static inline int lepton_read_key(WINDOW *window, wint_t *key) { return wget_wch(window, key); }

#endif
