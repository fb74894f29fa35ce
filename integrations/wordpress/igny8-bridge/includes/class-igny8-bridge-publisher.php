<?php
/**
 * Creates or updates a post from an IGNY8 publish payload.
 *
 * Idempotent: the post is found by its `_igny8_content_id` meta (under a database lock per content id), images by
 * their `_igny8_source_url` meta, terms by name (case-insensitive). A retried request never makes a second post.
 *
 * @package Igny8_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * The publish operation.
 */
class Igny8_Bridge_Publisher {

	/** Statuses a payload may ask for. */
	const STATUSES = array( 'draft', 'publish', 'pending', 'future', 'private' );

	/** True while a publish request runs (the webhook stays quiet: IGNY8 gets the synchronous answer). */
	public static $publishing = false;

	/** Meta keys written for every published post (besides _igny8_content_id), as shown in the `igny8` REST field. */
	public static function meta_keys() {
		return array(
			'_igny8_task_id',
			'_igny8_cluster_id',
			'_igny8_sector_id',
			'_igny8_keyword_ids',
			'_igny8_primary_keyword',
			'_igny8_secondary_keywords',
			'_igny8_meta_title',
			'_igny8_meta_description',
			'_igny8_sectors',
			'_igny8_clusters',
			'_igny8_published_at',
			'_yoast_wpseo_title',
			'_yoast_wpseo_metadesc',
			'_yoast_wpseo_focuskw',
			'rank_math_title',
			'rank_math_description',
			'rank_math_focus_keyword',
			'_seopress_titles_title',
			'_seopress_titles_desc',
			'_seopress_analysis_target_kw',
			'_aioseo_title',
			'_aioseo_description',
			'_aioseo_keywords',
		);
	}

	/**
	 * The user new posts are attributed to: the option `igny8_bridge_author_id` if it may publish, else the
	 * administrator with the lowest id.
	 */
	public static function default_author() {
		$id = (int) get_option( 'igny8_bridge_author_id', 0 );
		if ( $id > 0 && user_can( $id, 'publish_posts' ) ) {
			return $id;
		}
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		return $admins ? (int) $admins[0] : 0;
	}

	/**
	 * Publishes one payload.
	 *
	 * @param array $p Decoded JSON payload.
	 * @return array|WP_Error { post_id, post_url, post_status, term_ids, created, ... }
	 */
	public static function publish( array $p ) {
		$in = self::validate( $p );
		if ( is_wp_error( $in ) ) {
			return $in;
		}

		global $wpdb;
		$lock = 'igny8_' . md5( $in['content_id'] );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a named lock has no WordPress API.
		$locked = $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, 20)', $lock ) );
		if ( '1' !== (string) $locked ) {
			return new WP_Error( 'igny8_busy', __( 'Another publish of this content is still running; retry later.', 'igny8-bridge' ), array( 'status' => 503 ) );
		}
		self::$publishing = true;
		try {
			return self::publish_locked( $in );
		} finally {
			self::$publishing = false;
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) );
		}
	}

	/**
	 * Checks and normalises the payload.
	 *
	 * @param array $p Payload.
	 * @return array|WP_Error
	 */
	private static function validate( array $p ) {
		$content_id = isset( $p['content_id'] ) && is_scalar( $p['content_id'] ) ? trim( (string) $p['content_id'] ) : '';
		if ( '' === $content_id || ! preg_match( '/^[A-Za-z0-9_.:-]{1,64}$/', $content_id ) ) {
			return self::bad( 'content_id', __( 'content_id is required (1-64 letters, digits, _ . : -).', 'igny8-bridge' ) );
		}
		$title = isset( $p['title'] ) && is_string( $p['title'] ) ? sanitize_text_field( $p['title'] ) : '';
		if ( '' === $title ) {
			return self::bad( 'title', __( 'title is required.', 'igny8-bridge' ) );
		}
		if ( ! isset( $p['content_html'] ) || ! is_string( $p['content_html'] ) ) {
			return self::bad( 'content_html', __( 'content_html is required.', 'igny8-bridge' ) );
		}
		$status = isset( $p['status'] ) && is_string( $p['status'] ) ? $p['status'] : 'draft';
		if ( ! in_array( $status, self::STATUSES, true ) ) {
			return self::bad( 'status', __( 'status must be one of draft, publish, pending, future, private.', 'igny8-bridge' ) );
		}
		$date_gmt = '';
		if ( ! empty( $p['published_at'] ) ) {
			$ts = is_string( $p['published_at'] ) ? strtotime( $p['published_at'] ) : false;
			if ( false === $ts ) {
				return self::bad( 'published_at', __( 'published_at must be an ISO 8601 date and time.', 'igny8-bridge' ) );
			}
			$date_gmt = gmdate( 'Y-m-d H:i:s', $ts );
		}
		if ( 'future' === $status && ( '' === $date_gmt || strtotime( $date_gmt . ' UTC' ) <= time() ) ) {
			return self::bad( 'published_at', __( 'status future needs published_at in the future.', 'igny8-bridge' ) );
		}

		$images = array();
		foreach ( array( 'images', 'in_article_images', 'gallery_images' ) as $key ) {
			if ( empty( $p[ $key ] ) ) {
				continue;
			}
			if ( ! is_array( $p[ $key ] ) ) {
				return self::bad( $key, __( 'must be a list of {url, alt, caption, position}.', 'igny8-bridge' ) );
			}
			foreach ( $p[ $key ] as $i => $img ) {
				$img = self::image( $img );
				if ( null === $img ) {
					return self::bad( $key . '[' . $i . ']', __( 'an image needs an http(s) url.', 'igny8-bridge' ) );
				}
				$images[] = $img;
			}
		}
		$featured = null;
		if ( ! empty( $p['featured_image'] ) || ! empty( $p['featured_image_url'] ) ) {
			$featured = self::image(
				! empty( $p['featured_image'] ) ? $p['featured_image'] : array(
					'url' => $p['featured_image_url'],
					'alt' => isset( $p['featured_image_alt'] ) ? $p['featured_image_alt'] : $title,
				)
			);
			if ( null === $featured ) {
				return self::bad( 'featured_image_url', __( 'must be an http(s) URL.', 'igny8-bridge' ) );
			}
		}

		return array(
			'content_id'   => $content_id,
			'task_id'      => self::scalar( $p, 'task_id' ),
			'title'        => $title,
			'content_html' => $p['content_html'],
			'excerpt'      => isset( $p['excerpt'] ) && is_string( $p['excerpt'] ) ? sanitize_textarea_field( $p['excerpt'] ) : '',
			'slug'         => isset( $p['slug'] ) && is_string( $p['slug'] ) ? sanitize_title( $p['slug'] ) : '',
			'status'       => $status,
			'date_gmt'     => $date_gmt,
			'meta_title'   => sanitize_text_field( self::first( $p, array( 'seo_title', 'meta_title' ) ) ),
			'meta_desc'    => sanitize_textarea_field( self::first( $p, array( 'seo_description', 'meta_description' ) ) ),
			'primary_kw'   => sanitize_text_field( self::first( $p, array( 'primary_keyword' ) ) ),
			'secondary_kw' => self::names( $p, 'secondary_keywords' ),
			'focus_kw'     => self::names( $p, 'focus_keywords' ),
			'categories'   => self::names( $p, 'categories' ),
			'tags'         => self::names( $p, 'tags' ),
			'sectors'      => self::names( $p, 'sectors' ),
			'clusters'     => self::names( $p, 'clusters' ),
			'cluster_id'   => self::scalar( $p, 'cluster_id' ),
			'sector_id'    => self::scalar( $p, 'sector_id' ),
			'keyword_ids'  => self::names( $p, 'keyword_ids' ),
			'author_email' => isset( $p['author_email'] ) && is_string( $p['author_email'] ) ? sanitize_email( $p['author_email'] ) : '',
			'featured'     => $featured,
			'images'       => $images,
		);
	}

	/** Does the work under the lock. */
	private static function publish_locked( array $in ) {
		$existing = self::find_post( $in['content_id'] );

		// Images first: a failed download leaves no half-made post behind, and a retry reuses what was fetched.
		$featured_id = 0;
		if ( $in['featured'] ) {
			$featured_id = self::sideload( $in['featured'] );
			if ( is_wp_error( $featured_id ) ) {
				return $featured_id;
			}
		}
		$html     = $in['content_html'];
		$uploaded = array();
		foreach ( $in['images'] as $img ) {
			$att = self::sideload( $img );
			if ( is_wp_error( $att ) ) {
				return $att;
			}
			$uploaded[] = $att;
			$html       = self::place_image( $html, $img, $att );
		}
		if ( $in['featured'] ) {
			// The featured image may also appear in the body.
			$html = self::replace_url( $html, $in['featured']['url'], (string) wp_get_attachment_url( $featured_id ) );
		}

		$category_ids = self::terms( $in['categories'], 'category' );
		if ( is_wp_error( $category_ids ) ) {
			return $category_ids;
		}
		$tag_ids = self::terms( $in['tags'], 'post_tag' );
		if ( is_wp_error( $tag_ids ) ) {
			return $tag_ids;
		}

		$postarr = array(
			'post_type'    => 'post',
			'post_title'   => $in['title'],
			'post_content' => $html,
			'post_excerpt' => $in['excerpt'],
			'post_status'  => $in['status'],
		);
		if ( '' !== $in['slug'] ) {
			$postarr['post_name'] = $in['slug'];
		}
		if ( '' === $in['date_gmt'] && $existing && 'publish' === $in['status']
			&& strtotime( get_post_field( 'post_date_gmt', $existing ) . ' UTC' ) > time() ) {
			// "publish" without a date means now, even if the post was scheduled in WordPress meanwhile.
			$in['date_gmt'] = gmdate( 'Y-m-d H:i:s' );
		}
		if ( '' !== $in['date_gmt'] ) {
			$postarr['post_date_gmt'] = $in['date_gmt'];
			$postarr['post_date']     = get_date_from_gmt( $in['date_gmt'] );
			$postarr['edit_date']     = true;
		}

		if ( $existing ) {
			if ( 'trash' === get_post_status( $existing ) ) {
				wp_untrash_post( $existing );
			}
			$postarr['ID'] = $existing;
			$post_id       = wp_update_post( wp_slash( $postarr ), true );
		} else {
			$postarr['post_author'] = self::author( $in['author_email'] );
			$postarr['meta_input']  = array( '_igny8_content_id' => $in['content_id'] );
			$post_id                = wp_insert_post( wp_slash( $postarr ), true );
		}
		if ( is_wp_error( $post_id ) ) {
			$post_id->add_data( array( 'status' => 500 ) );
			return $post_id;
		}

		wp_set_object_terms( $post_id, $category_ids ? $category_ids : array( (int) get_option( 'default_category' ) ), 'category' );
		wp_set_object_terms( $post_id, $tag_ids, 'post_tag' );

		if ( $featured_id ) {
			set_post_thumbnail( $post_id, $featured_id );
		} else {
			delete_post_thumbnail( $post_id );
		}
		foreach ( array_merge( $uploaded, $featured_id ? array( $featured_id ) : array() ) as $att ) {
			if ( 0 === (int) get_post_field( 'post_parent', $att ) ) {
				wp_update_post( array( 'ID' => $att, 'post_parent' => $post_id ) );
			}
		}

		self::write_meta( $post_id, $in );

		$post = get_post( $post_id );
		return array(
			'post_id'           => $post_id,
			'post_url'          => (string) get_permalink( $post ),
			'post_status'       => $post->post_status,
			'term_ids'          => array(
				'categories' => array_map( 'intval', wp_get_object_terms( $post_id, 'category', array( 'fields' => 'ids' ) ) ),
				'tags'       => array_map( 'intval', $tag_ids ),
			),
			'featured_media_id' => $featured_id,
			'image_ids'         => $uploaded,
			'created'           => ! $existing,
		);
	}

	/** The post carrying this content id, or 0. */
	public static function find_post( $content_id ) {
		$ids = get_posts(
			array(
				'post_type'        => 'post',
				'post_status'      => array( 'publish', 'future', 'draft', 'pending', 'private', 'trash' ),
				'meta_key'         => '_igny8_content_id', // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_value'       => $content_id, // phpcs:ignore WordPress.DB.SlowDBQuery
				'orderby'          => 'ID',
				'order'            => 'ASC',
				'posts_per_page'   => 1,
				'fields'           => 'ids',
				'no_found_rows'    => true,
				'suppress_filters' => true,
			)
		);
		return $ids ? (int) $ids[0] : 0;
	}

	/** The author for a new post: a user with that e-mail who may publish, else the default author. */
	private static function author( $email ) {
		if ( '' !== $email ) {
			$user = get_user_by( 'email', $email );
			if ( $user && user_can( $user, 'publish_posts' ) ) {
				return (int) $user->ID;
			}
		}
		return self::default_author();
	}

	/**
	 * Term ids for names in a taxonomy: an existing term whose name matches case-insensitively, else a new term.
	 *
	 * @return int[]|WP_Error
	 */
	private static function terms( array $names, $taxonomy ) {
		$ids = array();
		foreach ( $names as $name ) {
			$found = 0;
			$terms = get_terms(
				array(
					'taxonomy'   => $taxonomy,
					'hide_empty' => false,
					'search'     => $name,
					'number'     => 50,
				)
			);
			if ( is_array( $terms ) ) {
				foreach ( $terms as $term ) {
					if ( 0 === strcasecmp( html_entity_decode( $term->name, ENT_QUOTES ), $name ) || mb_strtolower( html_entity_decode( $term->name, ENT_QUOTES ) ) === mb_strtolower( $name ) ) {
						$found = (int) $term->term_id;
						break;
					}
				}
			}
			if ( ! $found ) {
				$made = wp_insert_term( wp_slash( $name ), $taxonomy );
				if ( is_wp_error( $made ) ) {
					if ( 'term_exists' !== $made->get_error_code() ) {
						$made->add_data( array( 'status' => 500 ) );
						return $made;
					}
					$found = (int) $made->get_error_data( 'term_exists' );
				} else {
					$found = (int) $made['term_id'];
				}
			}
			if ( $found && ! in_array( $found, $ids, true ) ) {
				$ids[] = $found;
			}
		}
		return $ids;
	}

	/**
	 * Downloads an image into the media library once per source URL, and sets its alt text and caption.
	 *
	 * @return int|WP_Error Attachment id.
	 */
	private static function sideload( array $img ) {
		$existing = get_posts(
			array(
				'post_type'        => 'attachment',
				'post_status'      => 'inherit',
				'meta_key'         => '_igny8_source_url', // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_value'       => $img['url'], // phpcs:ignore WordPress.DB.SlowDBQuery
				'posts_per_page'   => 1,
				'fields'           => 'ids',
				'no_found_rows'    => true,
				'suppress_filters' => true,
			)
		);
		if ( $existing ) {
			$id = (int) $existing[0];
		} else {
			require_once ABSPATH . 'wp-admin/includes/file.php';
			require_once ABSPATH . 'wp-admin/includes/media.php';
			require_once ABSPATH . 'wp-admin/includes/image.php';

			if ( ! wp_http_validate_url( $img['url'] ) ) {
				return new WP_Error(
					'igny8_image_url_refused',
					/* translators: %s: image URL. */
					sprintf( __( 'WordPress refuses to download %s (a private or local address, or a port other than 80, 443 and 8080).', 'igny8-bridge' ), $img['url'] ),
					array( 'status' => 422, 'url' => $img['url'] )
				);
			}
			$tmp = download_url( $img['url'], 30 );
			if ( is_wp_error( $tmp ) ) {
				// The image server answered 4xx: retrying will not help. Anything else (5xx, 429, timeouts) may pass later.
				$code      = $tmp->get_error_code();
				$permanent = (bool) preg_match( '/^http_4\d\d$/', (string) $code ) && ! in_array( $code, array( 'http_408', 'http_429' ), true );
				return new WP_Error(
					'igny8_image_download_failed',
					/* translators: 1: image URL, 2: reason. */
					sprintf( __( 'Could not download %1$s: %2$s', 'igny8-bridge' ), $img['url'], $tmp->get_error_message() ),
					array( 'status' => $permanent ? 422 : 502, 'url' => $img['url'], 'reason' => $code )
				);
			}
			$mime = wp_get_image_mime( $tmp );
			$exts = array(
				'image/jpeg' => 'jpg',
				'image/png'  => 'png',
				'image/gif'  => 'gif',
				'image/webp' => 'webp',
			);
			if ( ! isset( $exts[ $mime ] ) ) {
				wp_delete_file( $tmp );
				return new WP_Error(
					'igny8_image_not_supported',
					/* translators: %s: image URL. */
					sprintf( __( '%s is not a JPEG, PNG, GIF or WebP image.', 'igny8-bridge' ), $img['url'] ),
					array( 'status' => 422, 'url' => $img['url'] )
				);
			}
			$base = sanitize_file_name( pathinfo( (string) wp_parse_url( $img['url'], PHP_URL_PATH ), PATHINFO_FILENAME ) );
			$file = array(
				'name'     => ( '' !== $base ? $base : 'igny8-image' ) . '.' . $exts[ $mime ],
				'tmp_name' => $tmp,
			);
			$id   = media_handle_sideload( $file, 0, '' !== $img['alt'] ? $img['alt'] : null );
			if ( is_wp_error( $id ) ) {
				wp_delete_file( $tmp );
				$id->add_data( array( 'status' => 500, 'url' => $img['url'] ) );
				return $id;
			}
			update_post_meta( $id, '_igny8_source_url', $img['url'] );
		}
		update_post_meta( $id, '_wp_attachment_image_alt', wp_slash( $img['alt'] ) );
		if ( '' !== $img['caption'] ) {
			wp_update_post( wp_slash( array( 'ID' => $id, 'post_excerpt' => $img['caption'] ) ) );
		}
		return $id;
	}

	/**
	 * Puts an uploaded image into the HTML: its source URL is replaced wherever it occurs; an image the HTML does
	 * not mention is inserted as a figure after paragraph `position` (or at the end).
	 */
	private static function place_image( $html, array $img, $att ) {
		$url = (string) wp_get_attachment_url( $att );
		if ( false !== strpos( $html, $img['url'] ) || false !== strpos( $html, esc_attr( $img['url'] ) ) ) {
			return self::replace_url( $html, $img['url'], $url );
		}
		$figure = sprintf(
			'<figure class="wp-block-image size-large"><img src="%1$s" alt="%2$s" class="wp-image-%3$d" />%4$s</figure>',
			esc_url( $url ),
			esc_attr( $img['alt'] ),
			(int) $att,
			'' !== $img['caption'] ? '<figcaption>' . esc_html( $img['caption'] ) . '</figcaption>' : ''
		);
		$pos = (int) $img['position'];
		if ( $pos > 0 ) {
			$offset = 0;
			for ( $i = 0; $i < $pos; $i++ ) {
				$at = stripos( $html, '</p>', $offset );
				if ( false === $at ) {
					break;
				}
				$offset = $at + 4;
			}
			if ( $i === $pos ) {
				return substr( $html, 0, $offset ) . $figure . substr( $html, $offset );
			}
		}
		return $html . $figure;
	}

	/** Replaces a URL (raw and HTML-escaped) by another. */
	private static function replace_url( $html, $from, $to ) {
		if ( '' === $from || '' === $to ) {
			return $html;
		}
		return str_replace( array( $from, esc_attr( $from ) ), $to, $html );
	}

	/** Writes the IGNY8 meta and the SEO-plugin keys (Yoast, Rank Math, SEOPress, AIOSEO). */
	private static function write_meta( $post_id, array $in ) {
		$focus    = array_values( array_unique( array_filter( array_merge( array( $in['primary_kw'] ), $in['focus_kw'], $in['secondary_kw'] ) ) ) );
		$primary  = '' !== $in['primary_kw'] ? $in['primary_kw'] : ( $focus ? $focus[0] : '' );
		$meta     = array(
			'_igny8_content_id'            => $in['content_id'],
			'_igny8_task_id'               => $in['task_id'],
			'_igny8_cluster_id'            => $in['cluster_id'],
			'_igny8_sector_id'             => $in['sector_id'],
			'_igny8_keyword_ids'           => implode( ',', $in['keyword_ids'] ),
			'_igny8_primary_keyword'       => $primary,
			'_igny8_secondary_keywords'    => implode( ', ', $in['secondary_kw'] ),
			'_igny8_meta_title'            => $in['meta_title'],
			'_igny8_meta_description'      => $in['meta_desc'],
			'_igny8_sectors'               => implode( ', ', $in['sectors'] ),
			'_igny8_clusters'              => implode( ', ', $in['clusters'] ),
			'_igny8_published_at'          => gmdate( 'c' ),
			// Yoast SEO.
			'_yoast_wpseo_title'           => $in['meta_title'],
			'_yoast_wpseo_metadesc'        => $in['meta_desc'],
			'_yoast_wpseo_focuskw'         => $primary,
			// Rank Math (comma-separated focus keywords, the first is primary).
			'rank_math_title'              => $in['meta_title'],
			'rank_math_description'        => $in['meta_desc'],
			'rank_math_focus_keyword'      => implode( ',', $focus ),
			// SEOPress.
			'_seopress_titles_title'       => $in['meta_title'],
			'_seopress_titles_desc'        => $in['meta_desc'],
			'_seopress_analysis_target_kw' => implode( ',', $focus ),
			// All in One SEO (post meta it imports; v4 keeps its live copy in its own table).
			'_aioseo_title'                => $in['meta_title'],
			'_aioseo_description'          => $in['meta_desc'],
			'_aioseo_keywords'             => implode( ',', $focus ),
		);
		foreach ( $meta as $key => $value ) {
			if ( '' === (string) $value && ! in_array( $key, array( '_igny8_content_id', '_igny8_published_at' ), true ) ) {
				delete_post_meta( $post_id, $key );
			} else {
				update_post_meta( $post_id, $key, wp_slash( (string) $value ) );
			}
		}
	}

	/** A normalised image {url, alt, caption, position} or null when it has no http(s) URL. */
	private static function image( $img ) {
		if ( is_string( $img ) ) {
			$img = array( 'url' => $img );
		}
		if ( ! is_array( $img ) || empty( $img['url'] ) || ! is_string( $img['url'] ) ) {
			return null;
		}
		$url = esc_url_raw( trim( $img['url'] ), array( 'http', 'https' ) );
		if ( '' === $url ) {
			return null;
		}
		return array(
			'url'      => $url,
			'alt'      => isset( $img['alt'] ) && is_string( $img['alt'] ) ? sanitize_text_field( $img['alt'] ) : '',
			'caption'  => isset( $img['caption'] ) && is_string( $img['caption'] ) ? sanitize_text_field( $img['caption'] ) : '',
			'position' => isset( $img['position'] ) && is_numeric( $img['position'] ) ? (int) $img['position'] : 0,
		);
	}

	/** A list of unique, sanitised, non-empty names from $p[$key] (a list or a comma-separated string). */
	private static function names( array $p, $key ) {
		if ( empty( $p[ $key ] ) ) {
			return array();
		}
		$list = is_array( $p[ $key ] ) ? $p[ $key ] : explode( ',', (string) $p[ $key ] );
		$out  = array();
		foreach ( $list as $name ) {
			$name = is_scalar( $name ) ? sanitize_text_field( (string) $name ) : '';
			if ( '' !== $name && ! in_array( mb_strtolower( $name ), array_map( 'mb_strtolower', $out ), true ) ) {
				$out[] = $name;
			}
		}
		return $out;
	}

	/** The first non-empty string among $keys. */
	private static function first( array $p, array $keys ) {
		foreach ( $keys as $key ) {
			if ( isset( $p[ $key ] ) && is_string( $p[ $key ] ) && '' !== trim( $p[ $key ] ) ) {
				return $p[ $key ];
			}
		}
		return '';
	}

	/** A scalar field as a sanitised string ('' when absent). */
	private static function scalar( array $p, $key ) {
		return isset( $p[ $key ] ) && is_scalar( $p[ $key ] ) ? sanitize_text_field( (string) $p[ $key ] ) : '';
	}

	/** A 400 error naming the field. */
	private static function bad( $field, $message ) {
		return new WP_Error( 'igny8_invalid_payload', $field . ': ' . $message, array( 'status' => 400, 'field' => $field ) );
	}
}
