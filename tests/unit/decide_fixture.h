/* The shipped engine and data set shared by the decision tests: loaded
 * once per test binary (decide_setup / decide_teardown as the group's
 * setup and teardown), and rows of the data set as clean applications. */
#ifndef YX_TEST_DECIDE_FIXTURE_H
#define YX_TEST_DECIDE_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "core/dataset.h"
#include "core/decide.h"

static engine *eng;
static dataset ds;

static int decide_setup(void **state)
{
    (void)state;
    char err[256];
    if (engine_load(&eng, "assets/strategies/default.json", err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (dataset_load("assets/data/credit_data.csv", &ds, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int decide_teardown(void **state)
{
    (void)state;
    engine_free(eng);
    dataset_free(&ds);
    return 0;
}

/* Row i of the data set as an application that passes every policy rule. */
static decide_input input_of(int i)
{
    decide_input in;
    memset(&in, 0, sizeof in);
    in.channel = CH_OWN;
    in.product = PROD_CASH;
    in.amount_fen = 500000;
    in.term_months = 12;
    in.completeness = CPL_BUREAU;
    in.feat = ds.rows[i];
    in.feat.v[F_RECORDS] = 0;
    in.feat.v[F_INCOME] = 100;
    in.feat.v[F_EXPENSES] = 60;
    in.age = 35;
    in.id_valid = 1;
    return in;
}

#endif
