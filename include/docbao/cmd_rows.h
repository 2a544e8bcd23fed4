/*
 * cmd_rows.h — THE rows of the command table (cmd.h): one CMD_ROW per listening action. It has
 * no include guard: whoever includes it defines CMD_ROW first (cmd.c builds the table from it,
 * cmd.h declares the run functions, the players that forward commands define theirs). Adding
 * a control is adding one row here and its cmd_run_ID function in the player (player.c).
 *
 * CMD_ROW(name, id, keys, nargs, flags, help, spoken)
 *   name    the command's name on the socket, the command line and in key bindings
 *   id      the C name: its run function is cmd_run_<id>
 *   keys    the keys bound to it, as help shows them and as keys.c reads them: names separated
 *           by ", " — one character, or Space, Enter, Backspace, Up, Down, Left, Right
 *           ("" = no key)
 *   nargs   1: needs an argument ("speed 1.5"), else 0 (CMD_OPTARG: an optional one)
 *   flags   CMD_* of cmd.h
 *   help    what it does, one short English phrase, translated where printed (N_)
 *   spoken  the same in Vietnamese for the spoken help of "?" (the voice is Vietnamese)
 */
CMD_ROW("toggle", toggle, "Space, p", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_RESUMES,
        N_("pause / resume"), "tạm dừng hoặc đọc tiếp")
CMD_ROW("pause", pause, "", 0, CMD_CLIENT, N_("pause"), "tạm dừng")
CMD_ROW("resume", resume, "", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_RESUMES, N_("resume"),
        "đọc tiếp")
CMD_ROW("play", play, "", 0, CMD_NEEDS_PLAYER | CMD_RESUMES, N_("resume"), "đọc tiếp")
CMD_ROW("stop", stop, "", 0, CMD_CLIENT, N_("stop, keeping the place"), "dừng, giữ chỗ đang đọc")
CMD_ROW("next", next, "Right, l", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("next sentence"),
        "câu sau")
CMD_ROW("prev", prev, "Left, h", 0, CMD_CLIENT | CMD_NEEDS_PLAYER,
        N_("previous sentence (restarts the current one first)"), "câu trước")
CMD_ROW("next-article", next_article, "Down, n", 0, CMD_CLIENT | CMD_NEEDS_PLAYER,
        N_("next article"), "bài sau")
CMD_ROW("prev-article", prev_article, "Up, b", 0, CMD_CLIENT | CMD_NEEDS_PLAYER,
        N_("previous article"), "bài trước")
CMD_ROW("faster", faster, "]", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("speed ×1.1"), "nhanh hơn")
CMD_ROW("slower", slower, "[", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("speed ÷1.1"), "chậm hơn")
CMD_ROW("faster2", faster2, "}", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("speed ×2"),
        "nhanh gấp đôi")
CMD_ROW("slower2", slower2, "{", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("speed ÷2"),
        "chậm một nửa")
CMD_ROW("normal", normal, "Backspace", 0, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("normal speed (1.0)"),
        "tốc độ thường")
CMD_ROW("speed", speed, "", 1, CMD_CLIENT | CMD_NEEDS_PLAYER, N_("set the speed, 0.5 .. 4.0"),
        "đặt tốc độ")
CMD_ROW("repeat", repeat, "r", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_ANNOUNCES,
        N_("repeat the current sentence"), "đọc lại câu")
CMD_ROW("title", title, "t", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_ANNOUNCES,
        N_("say the current article's title"), "đọc tiêu đề bài")
CMD_ROW("where", where, "i", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_ANNOUNCES,
        N_("where am I"), "đang ở bài nào, câu nào")
CMD_ROW("sleep", sleep, "s", 0, CMD_CLIENT | CMD_NEEDS_PLAYER | CMD_ANNOUNCES | CMD_OPTARG,
        N_("sleep timer: off, 15, 30, 60 minutes"), "hẹn giờ tắt")
CMD_ROW("enter", enter, "Enter", 0, CMD_CLIENT | CMD_NEEDS_PLAYER,
        N_("in headlines mode: read this story in full"), "khi chỉ nghe tiêu đề, đọc toàn bài")
CMD_ROW("help", help, "?", 0, CMD_NEEDS_PLAYER | CMD_ANNOUNCES, N_("list the keys"),
        "nghe các phím")
CMD_ROW("quit", quit, "q", 0, CMD_CLIENT | CMD_ANNOUNCES, N_("quit, remembering the place"),
        "thoát, giữ chỗ đang đọc")
