"""The real article pages of ../shared/fixtures/real/ and the addresses they were captured at
(their <link rel="canonical"> or og:url), for test_sites.py and tests/bench/bench_sites.py."""
# the address each page was captured at (its <link rel="canonical"> or og:url)
PAGES = {
    "dantri": "https://dantri.com.vn/kinh-doanh/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-"
              "dongluong-20260307080054340.htm",
    "nld": "https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-"
           "ve-thue-196260307071308923.htm",
    "tuoitre": "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-"
               "20260307075519174.htm",
    "vietnamnet": "https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html",
    "cafef": "https://cafef.vn/thoi-diem-nang-hang-can-ke-mbs-diem-ten-30-co-phieu-viet-nam-co-"
             "kha-nang-lot-ro-chi-so-ftse-18826030622484142.chn",
}
