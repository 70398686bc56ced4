/* The application scorecard: a binned (weight-of-evidence) logistic
 * regression expressed as points per bin. Every domain feature has its bins
 * (numeric: upper bounds; categorical: one bin per level) and a bin of its
 * own for a missing value. The score is base points plus one bin's points
 * per feature, clamped to the file's range (300-900); four cut-offs turn it
 * into a grade, 1 (best) to 5. */
#ifndef YX_SCORECARD_H
#define YX_SCORECARD_H

#include <stddef.h>

#include "core/domain.h"

typedef struct scorecard scorecard;

typedef struct {
    int score;                 /* clamped total */
    int grade;                 /* 1 best .. 5 worst */
    int points[F__COUNT];      /* points of the bin each feature fell in */
    int gap[F__COUNT];         /* best points of the feature minus points[] */
    signed char bin[F__COUNT]; /* bin index; -1 = the missing bin */
} scorecard_result;

/* 0 ok; -1 with "FILE: problem" in err. Free with scorecard_free. */
int  scorecard_load_file(scorecard **out, const char *path, char *err, size_t n);
int  scorecard_load_json(scorecard **out, const char *json, size_t len, const char *name,
                         char *err, size_t n);
void scorecard_free(scorecard *sc);

const char *scorecard_version(const scorecard *sc);
/* Points that double the odds, as stated in the file. */
double scorecard_pdo(const scorecard *sc);

void scorecard_eval(const scorecard *sc, const features *f, scorecard_result *out);
/* Grade of a score with this card's cut-offs. */
int scorecard_grade(const scorecard *sc, int score);

#endif
