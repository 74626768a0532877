/* test-cases.h — a table of cases, a test path per row: one body, registered for every row with
 * the row as its data (g_test_add_data_func()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Adds @func as the test of each of the @n_rows rows of @row_size bytes at @rows; every row
 * starts with its test path (a const char *). */
void test_add_rows (gconstpointer  rows,
                    gsize          row_size,
                    gsize          n_rows,
                    GTestDataFunc  func);
/* The same for an array of rows. */
#define test_add_table(rows, func) test_add_rows ((rows), sizeof (rows)[0], G_N_ELEMENTS (rows), (func))

G_END_DECLS
