// SPDX-License-Identifier: MIT
// OpenCL C's printf, in C: clang emits a plain variadic call to `printf`
// with the format in the constant address space (2). Each conversion is
// formatted with the C library's snprintf into one buffer, vector
// conversions (%v4hlf, %v2ld, ...) element by element, comma separated; the
// whole output goes out with one fwrite into stdout's buffer, so lines of
// concurrent work-items do not interleave; the CPU executor flushes stdout
// when a launch that left output there returns, so the output is out when
// the command completes. Returns 0, or -1 for a malformed format.
//
// Arguments arrive as clang passes them for OpenCL C: float promoted to
// double, vectors by value as their ext_vector types (va_arg below uses the
// same types, so the same calling convention).
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

// Only these of the C library: <stdio.h> would declare printf's C prototype.
typedef struct _IO_FILE FILE;
extern FILE *stdout;
int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
void *malloc(size_t n);
void *realloc(void *p, size_t n);
void free(void *p);

#define AS_CONSTANT __attribute__((address_space(2)))

struct out {
	char *p;
	size_t len, cap;
	char inline_buf[512];
	int failed;
};

static void out_reserve(struct out *o, size_t more)
{
	size_t cap;
	char *p;

	if (o->len + more <= o->cap)
		return;
	cap = o->cap * 2 > o->len + more ? o->cap * 2 : o->len + more + 256;
	if (o->p == o->inline_buf) {
		p = malloc(cap);
		if (p) {
			for (size_t i = 0; i < o->len; i++)
				p[i] = o->p[i];
		}
	} else {
		p = realloc(o->p, cap);
	}
	if (!p) {
		o->failed = 1;
		return;
	}
	o->p = p;
	o->cap = cap;
}

static void out_char(struct out *o, char c)
{
	out_reserve(o, 1);
	if (!o->failed)
		o->p[o->len++] = c;
}

// Formats one value with the C conversion spec `spec` (complete, with
// length modifier), appending to o.
#define OUT_FMT(o, spec, ...)                                                          \
	do {                                                                           \
		int n__ = snprintf((o)->p + (o)->len, (o)->cap - (o)->len, spec,       \
				   __VA_ARGS__);                                       \
		if (n__ < 0) {                                                         \
			(o)->failed = 1;                                               \
		} else if ((size_t)n__ >= (o)->cap - (o)->len) {                       \
			out_reserve(o, (size_t)n__ + 1);                               \
			if (!(o)->failed)                                              \
				snprintf((o)->p + (o)->len, (o)->cap - (o)->len, spec, \
					 __VA_ARGS__);                                 \
		}                                                                      \
		if (!(o)->failed && n__ >= 0)                                          \
			(o)->len += (size_t)n__;                                       \
	} while (0)

typedef char char16_v __attribute__((ext_vector_type(16)));
typedef short short16_v __attribute__((ext_vector_type(16)));
typedef int int16_v __attribute__((ext_vector_type(16)));
typedef long long16_v __attribute__((ext_vector_type(16)));
typedef float float16_v __attribute__((ext_vector_type(16)));
typedef double double16_v __attribute__((ext_vector_type(16)));

#define VEC_TYPES(T)                                                   \
	typedef T T##2_v __attribute__((ext_vector_type(2)));          \
	typedef T T##3_v __attribute__((ext_vector_type(3)));          \
	typedef T T##4_v __attribute__((ext_vector_type(4)));          \
	typedef T T##8_v __attribute__((ext_vector_type(8)));
VEC_TYPES(char)
VEC_TYPES(short)
VEC_TYPES(int)
VEC_TYPES(long)
VEC_TYPES(float)
VEC_TYPES(double)

// Reads a vector of n elements of type T and widens its elements into v.
#define READ_VEC(ap, T, n, v)                                                  \
	do {                                                                   \
		switch (n) {                                                   \
		case 2: { T##2_v x = va_arg(ap, T##2_v);                       \
			for (int i = 0; i < 2; i++) v[i] = x[i]; break; }      \
		case 3: { T##3_v x = va_arg(ap, T##3_v);                       \
			for (int i = 0; i < 3; i++) v[i] = x[i]; break; }      \
		case 4: { T##4_v x = va_arg(ap, T##4_v);                       \
			for (int i = 0; i < 4; i++) v[i] = x[i]; break; }      \
		case 8: { T##8_v x = va_arg(ap, T##8_v);                       \
			for (int i = 0; i < 8; i++) v[i] = x[i]; break; }      \
		default: { T##16_v x = va_arg(ap, T##16_v);                    \
			for (int i = 0; i < 16; i++) v[i] = x[i]; break; }     \
		}                                                              \
	} while (0)

enum len { LEN_NONE, LEN_HH, LEN_H, LEN_HL, LEN_L };

static int is_flag(char c)
{
	return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

// One conversion of f (after the '%'); returns the characters consumed or
// 0 for a malformed one. The C spec is built in spec[] as "%<flags><width>
// <.prec><C length><conv>".
static size_t convert(struct out *o, const char *f, va_list *ap)
{
	char spec[48];
	size_t n = 0, s = 0;
	int vec = 0;
	enum len len = LEN_NONE;
	char conv;

	spec[s++] = '%';
	while (is_flag(f[n]) && s < 8)
		spec[s++] = f[n++];
	if (f[n] == '*') {
		int w = va_arg(*ap, int);

		n++;
		s += (size_t)snprintf(spec + s, 12, "%d", w);
	}
	while (is_digit(f[n]) && s < 20)
		spec[s++] = f[n++];
	if (f[n] == '.') {
		spec[s++] = f[n++];
		if (f[n] == '*') {
			int p = va_arg(*ap, int);

			n++;
			s += (size_t)snprintf(spec + s, 12, "%d", p);
		}
		while (is_digit(f[n]) && s < 36)
			spec[s++] = f[n++];
	}
	if (is_digit(f[n]) || f[n] == '.')
		return 0;
	if (f[n] == 'v') {
		n++;
		vec = f[n] - '0';
		n++;
		if (vec == 1 && f[n] == '6') {
			vec = 16;
			n++;
		}
		if (vec != 2 && vec != 3 && vec != 4 && vec != 8 && vec != 16)
			return 0;
	}
	if (f[n] == 'h' && f[n + 1] == 'h') {
		len = LEN_HH;
		n += 2;
	} else if (f[n] == 'h' && f[n + 1] == 'l') {
		len = LEN_HL;
		n += 2;
	} else if (f[n] == 'h') {
		len = LEN_H;
		n++;
	} else if (f[n] == 'l') {
		len = LEN_L;
		n++;
	}
	// hl only qualifies vectors; a vector needs a length but for floats
	// (OpenCL C 1.2 allowed %v4f).
	if (len == LEN_HL && !vec)
		return 0;
	conv = f[n++];
	switch (conv) {
	case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': case 'c':
		if (conv == 'c' && (vec || len != LEN_NONE))
			return 0;
		if (len == LEN_L) {
			spec[s++] = 'l';
		} else if (len == LEN_H) {
			spec[s++] = 'h';
		} else if (len == LEN_HH) {
			spec[s++] = 'h';
			spec[s++] = 'h';
		}
		spec[s++] = conv;
		spec[s] = 0;
		if (!vec) {
			if (len == LEN_L)
				OUT_FMT(o, spec, va_arg(*ap, long));
			else
				OUT_FMT(o, spec, va_arg(*ap, int));
		} else {
			long v[16];

			if (len == LEN_HH)
				READ_VEC(*ap, char, vec, v);
			else if (len == LEN_H)
				READ_VEC(*ap, short, vec, v);
			else if (len == LEN_L)
				READ_VEC(*ap, long, vec, v);
			else
				READ_VEC(*ap, int, vec, v);
			for (int i = 0; i < vec; i++) {
				if (i)
					out_char(o, ',');
				if (len == LEN_L)
					OUT_FMT(o, spec, v[i]);
				else
					OUT_FMT(o, spec, (int)v[i]);
			}
		}
		return n;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		if (len == LEN_HH || (len == LEN_H && vec))
			return 0; // half vectors: the device has no half type
		spec[s++] = conv;
		spec[s] = 0;
		if (!vec) {
			OUT_FMT(o, spec, va_arg(*ap, double));
		} else {
			double v[16];

			if (len == LEN_L)
				READ_VEC(*ap, double, vec, v);
			else
				READ_VEC(*ap, float, vec, v);
			for (int i = 0; i < vec; i++) {
				if (i)
					out_char(o, ',');
				OUT_FMT(o, spec, v[i]);
			}
		}
		return n;
	case 's':
		if (vec || len != LEN_NONE)
			return 0;
		spec[s++] = 's';
		spec[s] = 0;
		OUT_FMT(o, spec, (const char *)va_arg(*ap, const AS_CONSTANT char *));
		return n;
	case 'p':
		if (vec || len != LEN_NONE)
			return 0;
		spec[s++] = 'p';
		spec[s] = 0;
		OUT_FMT(o, spec, va_arg(*ap, void *));
		return n;
	default:
		return 0;
	}
}

// The C library's printf is not linked into kernels: this one replaces it.
#pragma clang diagnostic ignored "-Wincompatible-library-redeclaration"
int printf(const AS_CONSTANT char *format, ...)
{
	const char *f = (const char *)format;
	struct out o = {.len = 0, .cap = sizeof(o.inline_buf), .failed = 0};
	int ret = 0;
	va_list ap;

	o.p = o.inline_buf;
	va_start(ap, format);
	while (*f && !o.failed) {
		size_t used;

		if (*f != '%') {
			out_char(&o, *f++);
			continue;
		}
		if (f[1] == '%') {
			out_char(&o, '%');
			f += 2;
			continue;
		}
		used = convert(&o, f + 1, &ap);
		if (!used) {
			ret = -1;
			break;
		}
		f += 1 + used;
	}
	va_end(ap);
	if (o.failed)
		ret = -1;
	// What came before a malformed conversion is still printed.
	if (o.len && fwrite(o.p, 1, o.len, stdout) != o.len)
		ret = -1;
	if (o.p != o.inline_buf)
		free(o.p);
	return ret;
}
