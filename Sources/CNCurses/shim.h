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

#include <locale.h>
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

#endif
