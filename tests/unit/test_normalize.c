/*
 * test_normalize.c — written → spoken, table-driven.
 */
#include <stdlib.h>
#include <string.h>

#include "docbao/normalize.h"
#include "docbao/util.h"
#include "t.h"

struct row {
    const char *in;
    const char *north;
    const char *south; /* NULL: same as north */
};

static const struct row rows[] = {
    {"0", "không", NULL},
    {"5", "năm", NULL},
    {"10", "mười", NULL},
    {"11", "mười một", NULL},
    {"14", "mười bốn", NULL},
    {"15", "mười lăm", NULL},
    {"20", "hai mươi", NULL},
    {"21", "hai mươi mốt", NULL},
    {"24", "hai mươi tư", "hai mươi bốn"},
    {"25", "hai mươi lăm", NULL},
    {"55", "năm mươi lăm", NULL},
    {"100", "một trăm", NULL},
    {"101", "một trăm linh một", "một trăm lẻ một"},
    {"105", "một trăm linh năm", "một trăm lẻ năm"},
    {"110", "một trăm mười", NULL},
    {"115", "một trăm mười lăm", NULL},
    {"999", "chín trăm chín mươi chín", NULL},
    {"1000", "một nghìn", "một ngàn"},
    {"1.000", "một nghìn", "một ngàn"},
    {"1.100 cuộc", "một nghìn một trăm cuộc", "một ngàn một trăm cuộc"},
    {"1.005", "một nghìn không trăm linh năm", "một ngàn không trăm lẻ năm"},
    {"1.050", "một nghìn không trăm năm mươi", "một ngàn không trăm năm mươi"},
    {"2024", "hai nghìn không trăm hai mươi tư", "hai ngàn không trăm hai mươi bốn"},
    {"1.000.000", "một triệu", NULL},
    {"1.000.500", "một triệu năm trăm", NULL},
    {"2.500.000 đồng", "hai triệu năm trăm nghìn đồng", "hai triệu năm trăm ngàn đồng"},
    {"3.000.000.000", "ba tỷ", NULL},
    {"12.000.000.000.000", "mười hai nghìn tỷ", "mười hai ngàn tỷ"},
    {"3,5%", "ba phẩy năm phần trăm", NULL},
    {"12,5", "mười hai phẩy năm", NULL},
    {"0,05", "không phẩy không năm", NULL},
    {"100%", "một trăm phần trăm", NULL},
    {"007", "bảy", NULL},
    {"GD&ĐT", "GD và ĐT", NULL},
    {"có 3 người, 45 xã.", "có ba người, bốn mươi lăm xã.", NULL},
    {"(15)", "(mười lăm)", NULL},
    {"Không có số", "Không có số", NULL},
    {"12345678901234567890", "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm "
                             "sáu bảy tám chín không", NULL},
};

int main(void)
{
    struct normalizer *north = NULL, *south = NULL;
    T_INT(normalizer_new(NULL, NORM_NORTH, &north), 0, "normalizer_new north");
    T_INT(normalizer_new(NULL, NORM_SOUTH, &south), 0, "normalizer_new south");
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        buf_reset(&b);
        normalize_sentence(north, rows[i].in, strlen(rows[i].in), &b);
        T_STR(buf_str(&b), rows[i].north, "north: %s", rows[i].in);
        buf_reset(&b);
        normalize_sentence(south, rows[i].in, strlen(rows[i].in), &b);
        T_STR(buf_str(&b), rows[i].south ? rows[i].south : rows[i].north, "south: %s",
              rows[i].in);
    }
    /* no digit may reach the voice */
    const char *mixed = "Ngày 15, 1.234 người và 56,78% số 9";
    buf_reset(&b);
    normalize_sentence(north, mixed, strlen(mixed), &b);
    T_OK(strpbrk(buf_str(&b), "0123456789") == NULL, "no digit left in: %s", buf_str(&b));
    buf_free(&b);
    normalizer_free(north);
    normalizer_free(south);
    normalizer_free(NULL);
    return t_done();
}
